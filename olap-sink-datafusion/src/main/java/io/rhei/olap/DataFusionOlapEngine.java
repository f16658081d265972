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

    public DataFusionOlapEngine(TableStorage storage, NativeQueryOptions options) {
        this.storage = storage;
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

    /** Like {@link #query}, with the native reader's metrics and memory figures. */
    public NativeResultReader execute(String sql, BufferAllocator allocator) {
        LoweredPlan plan = planner.plan(sql);
        List<Iterator<VectorSchemaRoot>> inputs = new ArrayList<>();
        try {
            for (ScanInput scan : plan.scans()) {
                inputs.add(new SnapshotScan(storage.snapshot(scan.table()), scan.columns(), allocator));
            }
        } catch (RuntimeException e) {
            inputs.forEach(i -> ((SnapshotScan) i).close());
            throw e;
        }
        return executor.execute(sql, plan.plan(), inputs, plan.columnNames(), plan.plannedSchema(), allocator);
    }

    @Override
    public void close() {
        storage.close();
    }

    /** Batches of one snapshot; releases the snapshot when exhausted or closed. */
    private static final class SnapshotScan implements Iterator<VectorSchemaRoot>, AutoCloseable {
        private final TableSnapshot snapshot;
        private final Iterator<VectorSchemaRoot> batches;
        private boolean closed;

        SnapshotScan(TableSnapshot snapshot, List<String> columns, BufferAllocator allocator) {
            this.snapshot = snapshot;
            this.batches = snapshot.scan(columns, allocator);
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            boolean more = batches.hasNext();
            if (!more) {
                close();
            }
            return more;
        }

        @Override
        public VectorSchemaRoot next() {
            return batches.next();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                snapshot.close();
            }
        }
    }
}
