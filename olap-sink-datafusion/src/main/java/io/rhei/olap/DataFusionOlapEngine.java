package io.rhei.olap;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableSink;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.olap.exec.NativeExecutor;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.olap.exec.NativeResultReader;
import io.rhei.olap.physical.LoweredPlan;
import io.rhei.olap.physical.PlanPatches;
import io.rhei.olap.physical.ScanInput;
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
public final class DataFusionOlapEngine implements TableSink, io.rhei.core.query.QueryEngine {
    private final TableStorage storage;
    /** The synced tables and the pg_catalog and information_schema generated from them: what queries read. */
    private final io.rhei.olap.catalog.CatalogStorage readable;
    private final SqlPlanner planner;
    private final NativeExecutor executor;
    private final NativeQueryOptions options;
    /** Runs the extra shares of parallel aggregations (the query's own thread runs the first). */
    private final java.util.concurrent.ExecutorService shares = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rhei-query-share");
        t.setDaemon(true);
        return t;
    });

    public DataFusionOlapEngine(TableStorage storage, NativeQueryOptions options) {
        this.storage = storage;
        this.readable = new io.rhei.olap.catalog.CatalogStorage(storage);
        this.options = options;
        this.planner = new SqlPlanner(readable, options.parallelism(), options.parallelMinRows(), options.planCacheSize());
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

    @Override
    public ArrowReader query(String sql, List<io.rhei.core.schema.ColumnType> declaredTypes, List<?> values, BufferAllocator allocator) {
        return run(planner.plan(sql, declaredTypes, values, allocator), allocator);
    }

    @Override
    public io.rhei.core.schema.TableCatalog catalog() {
        return this;
    }

    @Override
    public io.rhei.core.query.QueryDescription describe(String sql, List<io.rhei.core.schema.ColumnType> declaredTypes) {
        return planner.describe(sql, declaredTypes);
    }

    /**
     * Plans {@code sql} without running it: raises the errors a query would raise before execution, and returns
     * the result schema the plan predicts (exact names; the native engine settles exact decimal sizes).
     */
    @Override
    public org.apache.arrow.vector.types.pojo.Schema resultSchema(String sql) {
        return planner.plan(sql).plannedSchema();
    }

    /** The optimised Calcite plan, then the native operator tree ({@link io.rhei.olap.exec.NativePlanText}). */
    @Override
    public String explain(String sql) {
        LoweredPlan plan = planner.plan(sql);
        return "logical plan:\n" + plan.logicalPlan() + "native plan:\n" + io.rhei.olap.exec.NativePlanText.of(plan.plan());
    }

    /** Like {@link #query}, with the native reader's metrics and memory figures. */
    public NativeResultReader execute(String sql, BufferAllocator allocator) {
        return run(planner.plan(sql, allocator), allocator);
    }

    private NativeResultReader run(LoweredPlan plan, BufferAllocator allocator) {
        List<Iterator<VectorSchemaRoot>> inputs = new ArrayList<>();
        List<org.apache.spark.sql.comet.CometMetricNode> inputMetrics = new ArrayList<>();
        org.apache.comet.serde.OperatorOuterClass.Operator op = plan.plan();
        try {
            for (ScanInput scan : plan.scans()) {
                if (scan instanceof ScanInput.Table t) {
                    inputs.add(SnapshotScan.of(readable.snapshot(t.table()), t.columns(), t.filter(), allocator, options.scanBatchRows(), true));
                } else if (scan instanceof ScanInput.Values v) {
                    BatchList constants = new BatchList();
                    constants.add(io.rhei.olap.exec.ValuesBatch.build(v.schema(), v.rows(), allocator));
                    inputs.add(constants);
                } else if (scan instanceof ScanInput.Materialized m) {
                    inputs.add(materialize(m, allocator));
                } else if (scan instanceof ScanInput.Partitioned p) {
                    BatchList shares = runShares(p, allocator);
                    inputs.add(shares);
                    inputMetrics.addAll(shares.metrics);
                    if (shares.schema() != null) {
                        op = PlanPatches.withScanSchema(op, p.source(), shares.schema());
                    }
                }
            }
        } catch (RuntimeException e) {
            inputs.forEach(i -> ((ScanFeed) i).close());
            throw e;
        }
        NativeResultReader reader = executor.execute(plan.sql(), op, inputs, plan.columnNames(), plan.plannedSchema(), allocator);
        inputMetrics.forEach(reader.metrics()::addInput);
        return reader;
    }

    /** Runs each branch to completion and keeps its batches for the scan that reads them. */
    private BatchList materialize(ScanInput.Materialized m, BufferAllocator allocator) {
        BatchList out = new BatchList();
        try {
            for (LoweredPlan branch : m.branches()) {
                try (NativeResultReader reader = run(branch, allocator)) {
                    drain(reader, out, allocator);
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

    /** Moves every batch of {@code reader} into {@code out}. */
    private static void drain(NativeResultReader reader, BatchList out, BufferAllocator allocator) {
        try {
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
        } catch (java.io.IOException e) {
            throw new QueryException(reader.sql(), "reading the result of a part of the plan: " + e.getMessage(), e);
        }
    }

    /**
     * A stage in shares (a partial aggregation, a top-k sort): {@code olap.parallelism} native plans run it at once, on this thread and on
     * pool threads, taking the split table's slices from one shared feed as they go (so a slow share takes fewer);
     * every share reads the same snapshots. Their results are kept for the plan that merges them.
     */
    private BatchList runShares(ScanInput.Partitioned p, BufferAllocator allocator) {
        LoweredPlan stage = p.stage();
        List<TableSnapshot> snapshots = new ArrayList<>();
        SplitFeed shared = null;
        BatchList out = new BatchList();
        try {
            for (ScanInput s : stage.scans()) {
                snapshots.add(readable.snapshot(((ScanInput.Table) s).table()));
            }
            ScanInput.Table split = (ScanInput.Table) stage.scans().get(p.splitScan());
            TableSnapshot splitSnapshot = snapshots.get(p.splitScan());
            SplitFeed feed = splitSnapshot.decodesOnRead() && splitSnapshot.fileCount() > 1
                    ? new FilesByShare(splitSnapshot.scanByFile(split.columns(), split.filter(), allocator), allocator, options.scanBatchRows())
                    : new SharedSlices(SnapshotScan.of(splitSnapshot, split.columns(), split.filter(), allocator, options.scanBatchRows(), false));
            shared = feed;
            List<java.util.concurrent.Future<BatchList>> others = new ArrayList<>();
            for (int i = 1; i < options.parallelism(); i++) {
                others.add(shares.submit(() -> runShare(stage, p.splitScan(), snapshots, feed, allocator)));
            }
            RuntimeException failure = null;
            try {
                out.addAll(runShare(stage, p.splitScan(), snapshots, feed, allocator));
            } catch (RuntimeException e) {
                failure = e;
                feed.close(); // the other shares run out of input and end
            }
            for (java.util.concurrent.Future<BatchList> f : others) {
                try {
                    BatchList b = f.get();
                    if (failure == null) {
                        out.addAll(b);
                    } else {
                        b.close();
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r
                                : new QueryException(stage.sql(), "a share of a parallel stage failed: " + e.getCause(), e.getCause());
                        feed.close();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (failure == null) {
                        failure = new QueryException(stage.sql(), "interrupted while a parallel stage ran", e);
                        feed.close();
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        } finally {
            if (shared != null) {
                shared.close();
            }
            snapshots.forEach(TableSnapshot::close);
        }
    }

    private BatchList runShare(LoweredPlan stage, int split, List<TableSnapshot> snapshots, SplitFeed feed, BufferAllocator allocator) {
        List<Iterator<VectorSchemaRoot>> inputs = new ArrayList<>();
        for (int j = 0; j < stage.scans().size(); j++) {
            ScanInput.Table t = (ScanInput.Table) stage.scans().get(j);
            inputs.add(j == split ? feed.share()
                    : SnapshotScan.of(snapshots.get(j), t.columns(), t.filter(), allocator, options.scanBatchRows(), false));
        }
        BatchList out = new BatchList();
        try (NativeResultReader reader = executor.execute(stage.sql(), stage.plan(), inputs, stage.columnNames(), stage.plannedSchema(),
                allocator)) {
            drain(reader, out, allocator);
            out.metrics.add(reader.metrics());
        } catch (java.io.IOException e) {
            out.close();
            throw new QueryException(stage.sql(), "reading a share of a parallel stage: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** How the shares of a parallel stage divide the split table's rows: each share reads its own feed. */
    private interface SplitFeed extends AutoCloseable {
        /** A feed for one share, read on that share's thread. */
        ScanFeed share();

        /** Ends every feed: shares still running run out of input. */
        @Override
        void close();
    }

    /**
     * Files (that decode as they are read) dealt to whichever share asks first: each share decodes its files on its
     * own thread, where slices of one shared scan would decode them all on one thread at a time.
     */
    private static final class FilesByShare implements SplitFeed {
        private final java.util.function.Supplier<io.rhei.storage.BatchStream> readers;
        private final BufferAllocator allocator;
        private final int slice;
        private final List<ScanFeed> opened = new ArrayList<>();
        private boolean closed;

        FilesByShare(java.util.function.Supplier<io.rhei.storage.BatchStream> readers, BufferAllocator allocator, int slice) {
            this.readers = readers;
            this.allocator = allocator;
            this.slice = slice;
        }

        @Override
        public synchronized ScanFeed share() {
            if (closed) {
                return new BatchList();
            }
            ScanFeed feed = new SnapshotScan(readers.get(), null, allocator, slice);
            opened.add(feed);
            return feed;
        }

        @Override
        public synchronized void close() {
            closed = true;
            opened.forEach(ScanFeed::close);
            opened.clear();
        }
    }

    /** The slices of one scan, handed out one at a time to whichever share asks first. */
    private static final class SharedSlices implements SplitFeed {
        private final SnapshotScan source;
        private boolean closed;

        SharedSlices(SnapshotScan source) {
            this.source = source;
        }

        synchronized VectorSchemaRoot poll() {
            if (closed || !source.hasNext()) {
                return null;
            }
            return source.next();
        }

        /** One share's view: its own look-ahead of at most one slice. */
        @Override
        public ScanFeed share() {
            return new ScanFeed() {
                private VectorSchemaRoot next;
                private boolean done;

                @Override
                public boolean hasNext() {
                    if (next == null && !done) {
                        next = poll();
                        done = next == null;
                    }
                    return next != null;
                }

                @Override
                public VectorSchemaRoot next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    VectorSchemaRoot r = next;
                    next = null;
                    return r;
                }

                @Override
                public void close() {
                    if (next != null) {
                        next.close();
                        next = null;
                    }
                    done = true;
                }
            };
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                source.close();
            }
        }
    }

    /** Batches for one native scan, closed by the scan when it ends or the query is abandoned. */
    private interface ScanFeed extends Iterator<VectorSchemaRoot>, AutoCloseable {
        @Override
        void close();
    }

    /** Batches held in memory, handed out once; the ones never handed out are closed on close. */
    private static final class BatchList implements ScanFeed {
        private final java.util.ArrayDeque<VectorSchemaRoot> batches = new java.util.ArrayDeque<>();

        private org.apache.arrow.vector.types.pojo.Schema schema;

        void add(VectorSchemaRoot b) {
            if (schema == null) {
                schema = b.getSchema();
            }
            batches.add(b);
        }

        /** Metrics of the native plans that produced the batches. */
        final List<org.apache.spark.sql.comet.CometMetricNode> metrics = new ArrayList<>();

        /** Moves {@code other}'s batches here. */
        void addAll(BatchList other) {
            while (!other.batches.isEmpty()) {
                add(other.batches.poll());
            }
            metrics.addAll(other.metrics);
        }

        /** The schema of the first batch; null when there is none. */
        org.apache.arrow.vector.types.pojo.Schema schema() {
            return schema;
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
        shares.shutdownNow();
        readable.close(); // the catalog, then the synced tables
    }

    /**
     * Batches of one snapshot, in slices of at most {@code slice} rows (moved, not copied: a 1M-row file becomes
     * 16 slices the native operators work through in cache); releases the snapshot when exhausted or closed.
     */
    private static final class SnapshotScan implements ScanFeed {
        private final int slice;
        private final TableSnapshot ownedSnapshot;
        private final io.rhei.storage.BatchStream batches;
        private final BufferAllocator allocator;
        private VectorSchemaRoot pending;
        private int offset;
        private boolean closed;

        /** {@code ownedSnapshot}: released when the scan is done; null when others share the snapshot. */
        SnapshotScan(io.rhei.storage.BatchStream batches, TableSnapshot ownedSnapshot, BufferAllocator allocator, int slice) {
            this.slice = slice;
            this.ownedSnapshot = ownedSnapshot;
            this.allocator = allocator;
            this.batches = batches;
        }

        /** A scan of {@code snapshot}; {@code ownsSnapshot}: it releases the snapshot when done (false when several scans share it). */
        static SnapshotScan of(TableSnapshot snapshot, List<String> columns, io.rhei.storage.ScanFilter filter, BufferAllocator allocator,
                               int slice, boolean ownsSnapshot) {
            try {
                return new SnapshotScan(snapshot.scan(columns, filter, allocator), ownsSnapshot ? snapshot : null, allocator, slice);
            } catch (RuntimeException e) {
                if (ownsSnapshot) {
                    snapshot.close();
                }
                throw e;
            }
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
                    if (ownedSnapshot != null) {
                        ownedSnapshot.close();
                    }
                }
            }
        }
    }
}
