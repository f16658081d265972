package io.rhei.olap;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.OlapEngine;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.olap.exec.NativeExecutor;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.olap.exec.NativeResultReader;
import io.rhei.olap.sql.LoweredPlan;
import io.rhei.olap.sql.ScanInput;
import io.rhei.olap.sql.SqlPlanner;
import io.rhei.storage.TableSnapshot;
import io.rhei.storage.TableStorage;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The OLAP engine: writes go to a {@link TableStorage}; SQL is planned by Calcite ({@link SqlPlanner}) and run by
 * DataFusion ({@link NativeExecutor}) over snapshots of the tables it reads, taken when the query starts, so a
 * query sees each table as of one commit while syncing goes on.
 */
public final class DataFusionOlapEngine implements OlapEngine {
    private final TableStorage storage;
    private final SqlPlanner planner;
    private final NativeExecutor executor;
    private final NativeQueryOptions options;

    public DataFusionOlapEngine(TableStorage storage, NativeQueryOptions options) {
        this.storage = storage;
        this.options = options;
        this.planner = new SqlPlanner(storage);
        this.executor = new NativeExecutor(options);
    }

    public TableStorage storage() {
        return storage;
    }

    @Override
    public void ensureTable(TableSchema schema, long seq) {
        storage.ensureTable(schema, seq);
    }

    @Override
    public Optional<TableSchema> schema(TableId table) {
        return storage.schema(table);
    }

    @Override
    public Set<TableId> tables() {
        return storage.tables();
    }

    @Override
    public void apply(TableChangeBatch batch) {
        storage.apply(batch);
    }

    @Override
    public long appliedSeq(TableId table) {
        return storage.appliedSeq(table);
    }

    @Override
    public ArrowReader query(String sql, BufferAllocator allocator) {
        return execute(sql, allocator);
    }

    /**
     * Plans {@code sql} without running it: raises the errors a query would raise before execution, and returns
     * the result schema the plan predicts (exact names; the native engine settles exact decimal sizes).
     */
    public org.apache.arrow.vector.types.pojo.Schema validate(String sql) {
        return planner.plan(sql).plannedSchema();
    }

    /** Like {@link #query}, with the native reader's metrics and memory figures. */
    public NativeResultReader execute(String sql, BufferAllocator allocator) {
        return run(planner.plan(sql), allocator);
    }

    private NativeResultReader run(LoweredPlan plan, BufferAllocator allocator) {
        List<Iterator<VectorSchemaRoot>> inputs = new ArrayList<>();
        try {
            for (ScanInput scan : plan.scans()) {
                if (scan instanceof ScanInput.Table t) {
                    inputs.add(new SnapshotScan(storage.snapshot(t.table()), t.columns(), t.filter(), allocator, options.scanBatchRows()));
                } else if (scan instanceof ScanInput.Materialized m) {
                    inputs.add(materialize(m, allocator));
                }
            }
        } catch (RuntimeException e) {
            inputs.forEach(i -> ((ScanFeed) i).close());
            throw e;
        }
        return executor.execute(plan.sql(), plan.plan(), inputs, plan.columnNames(), plan.plannedSchema(), allocator);
    }

    /** Runs each branch to completion and keeps its batches for the scan that reads them. */
    private BatchList materialize(ScanInput.Materialized m, BufferAllocator allocator) {
        BatchList out = new BatchList();
        try {
            for (LoweredPlan branch : m.branches()) {
                try (NativeResultReader reader = run(branch, allocator)) {
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    while (reader.loadNextBatch()) {
                        List<org.apache.arrow.vector.FieldVector> vectors = new ArrayList<>();
                        for (org.apache.arrow.vector.FieldVector v : root.getFieldVectors()) {
                            var tp = v.getTransferPair(allocator);
                            tp.transfer();
                            vectors.add((org.apache.arrow.vector.FieldVector) tp.getTo());
                        }
                        VectorSchemaRoot copy = new VectorSchemaRoot(vectors);
                        copy.setRowCount(root.getRowCount());
                        out.add(copy);
                    }
                }
            }
        } catch (java.io.IOException e) {
            out.close();
            throw new QueryException(m.branches().get(0).sql(), "reading a union branch: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Batches for one native scan, closed by the scan when it ends or the query is abandoned. */
    private interface ScanFeed extends Iterator<VectorSchemaRoot>, AutoCloseable {
        @Override
        void close();
    }

    /** Batches held in memory, handed out once; the ones never handed out are closed on close. */
    private static final class BatchList implements ScanFeed {
        private final java.util.ArrayDeque<VectorSchemaRoot> batches = new java.util.ArrayDeque<>();

        void add(VectorSchemaRoot b) {
            batches.add(b);
        }

        @Override
        public boolean hasNext() {
            return !batches.isEmpty();
        }

        @Override
        public VectorSchemaRoot next() {
            return batches.poll();
        }

        @Override
        public void close() {
            while (!batches.isEmpty()) {
                batches.poll().close();
            }
        }
    }

    @Override
    public void close() {
        storage.close();
    }

    /**
     * Batches of one snapshot, in slices of at most {@code slice} rows (moved, not copied: a 1M-row file becomes
     * 16 slices the native operators work through in cache); releases the snapshot when exhausted or closed.
     */
    private static final class SnapshotScan implements ScanFeed {
        private final int slice;
        private final TableSnapshot snapshot;
        private final io.rhei.storage.BatchStream batches;
        private final BufferAllocator allocator;
        private VectorSchemaRoot pending;
        private int offset;
        private boolean closed;

        SnapshotScan(TableSnapshot snapshot, List<String> columns, io.rhei.storage.ScanFilter filter, BufferAllocator allocator, int slice) {
            this.slice = slice;
            this.snapshot = snapshot;
            this.allocator = allocator;
            this.batches = snapshot.scan(columns, filter, allocator);
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            boolean more = pending != null || batches.hasNext();
            if (!more) {
                close();
            }
            return more;
        }

        @Override
        public VectorSchemaRoot next() {
            if (pending == null) {
                VectorSchemaRoot b = batches.next();
                if (slice <= 0 || b.getRowCount() <= slice) {
                    return b;
                }
                pending = b;
                offset = 0;
            }
            int n = Math.min(slice, pending.getRowCount() - offset);
            List<org.apache.arrow.vector.FieldVector> vectors = new ArrayList<>();
            for (org.apache.arrow.vector.FieldVector v : pending.getFieldVectors()) {
                var tp = v.getTransferPair(allocator);
                tp.splitAndTransfer(offset, n);
                vectors.add((org.apache.arrow.vector.FieldVector) tp.getTo());
            }
            VectorSchemaRoot slice = new VectorSchemaRoot(vectors);
            slice.setRowCount(n);
            offset += n;
            if (offset >= pending.getRowCount()) {
                pending.close();
                pending = null;
            }
            return slice;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (pending != null) {
                    pending.close();
                    pending = null;
                }
                try {
                    batches.close();
                } finally {
                    snapshot.close();
                }
            }
        }
    }
}
