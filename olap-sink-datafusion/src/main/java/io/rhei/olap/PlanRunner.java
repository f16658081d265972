package io.rhei.olap;

import io.rhei.olap.catalog.CatalogStorage;
import io.rhei.olap.exec.NativeExecutor;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.olap.exec.NativeResultReader;
import io.rhei.olap.physical.LoweredPlan;
import io.rhei.olap.physical.PlanPatches;
import io.rhei.olap.physical.ScanInput;
import io.rhei.storage.TableSnapshot;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Runs a lowered plan: feeds each of its native scans (a table snapshot, constant rows, the results of plans run
 * before it, the merged results of a stage run in shares) and starts the native plan over them. Plans run on the
 * calling thread; the extra shares of a parallel stage run on {@code shares}.
 */
final class PlanRunner {
    private final CatalogStorage readable;
    private final NativeExecutor executor;
    private final NativeQueryOptions options;
    private final ExecutorService shares;

    PlanRunner(CatalogStorage readable, NativeExecutor executor, NativeQueryOptions options, ExecutorService shares) {
        this.readable = readable;
        this.executor = executor;
        this.options = options;
        this.shares = shares;
    }

    NativeResultReader run(LoweredPlan plan, BufferAllocator allocator) {
        // the parts computed once are read by the time the plan starts: each reader holds its own view of their rows
        try (SharedResults shared = new SharedResults()) {
            return run(plan, allocator, shared);
        }
    }

    private NativeResultReader run(LoweredPlan plan, BufferAllocator allocator, SharedResults shared) {
        List<Iterator<VectorSchemaRoot>> inputs = new ArrayList<>();
        List<org.apache.spark.sql.comet.CometMetricNode> inputMetrics = new ArrayList<>();
        org.apache.comet.serde.OperatorOuterClass.Operator op = plan.plan();
        try {
            for (ScanInput scan : plan.scans()) {
                if (scan instanceof ScanInput.Table t) {
                    inputs.add(SnapshotScan.of(readable.snapshot(t.table()), t.columns(), t.filter(), allocator, options.scanBatchRows(), true));
                } else {
                    BatchList held = hold(scan, allocator, shared);
                    inputs.add(held);
                    inputMetrics.addAll(held.metrics);
                    op = withResultSchema(op, scan, held);
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

    /** The batches of a scan that reads no table: constant rows, or the results of plans that run before it. */
    private BatchList hold(ScanInput scan, BufferAllocator allocator, SharedResults shared) {
        if (scan instanceof ScanInput.Values v) {
            BatchList constants = new BatchList();
            constants.add(io.rhei.olap.exec.ValuesBatch.build(v.schema(), v.rows(), allocator));
            return constants;
        }
        if (scan instanceof ScanInput.Materialized m) {
            return materialize(m, allocator, shared);
        }
        if (scan instanceof ScanInput.Partitioned p) {
            return runShares(p, allocator, shared);
        }
        if (scan instanceof ScanInput.Shared once) {
            return shared.view(once, allocator);
        }
        throw new IllegalArgumentException("not a held input: " + scan);
    }

    /** {@code op} with the scan of a parallel stage's (or a part computed once's) results declaring the column types it returned. */
    private static org.apache.comet.serde.OperatorOuterClass.Operator withResultSchema(org.apache.comet.serde.OperatorOuterClass.Operator op,
                                                                                      ScanInput scan, BatchList held) {
        String source = scan instanceof ScanInput.Partitioned p ? p.source() : scan instanceof ScanInput.Shared once ? once.source() : null;
        return source != null && held.schema() != null ? PlanPatches.withScanSchema(op, source, held.schema()) : op;
    }

    /**
     * The rows of the parts one query computes once ({@link ScanInput.Shared}): run at their first read, kept until
     * the query's plans have all taken their views of them.
     */
    private final class SharedResults implements AutoCloseable {
        private final java.util.Map<ScanInput.Shared, BatchList> rows = new java.util.IdentityHashMap<>();

        BatchList view(ScanInput.Shared once, BufferAllocator allocator) {
            BatchList held = rows.get(once);
            boolean first = held == null;
            if (first) {
                held = materialize(new ScanInput.Materialized(List.of(once.plan())), allocator, this);
                rows.put(once, held);
            }
            BatchList view = held.view(allocator);
            if (first) {
                view.metrics.addAll(held.metrics); // the plan ran once: its metrics once
            }
            return view;
        }

        @Override
        public void close() {
            rows.values().forEach(BatchList::close);
        }
    }

    /** Runs each branch to completion and keeps its batches for the scan that reads them. */
    private BatchList materialize(ScanInput.Materialized m, BufferAllocator allocator, SharedResults shared) {
        BatchList out = new BatchList();
        try {
            for (LoweredPlan branch : m.branches()) {
                try (NativeResultReader reader = run(branch, allocator, shared)) {
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
    private BatchList runShares(ScanInput.Partitioned p, BufferAllocator allocator, SharedResults shared) {
        LoweredPlan stage = p.stage();
        List<TableSnapshot> snapshots = new ArrayList<>(); // per scan of the stage: null where it reads no table
        List<BatchList> held = new ArrayList<>(); // per scan: what every share reads in full, where it reads no table
        SplitFeed opened = null;
        BatchList out = new BatchList();
        try {
            org.apache.comet.serde.OperatorOuterClass.Operator plan = stage.plan();
            for (ScanInput s : stage.scans()) {
                if (s instanceof ScanInput.Table t) {
                    snapshots.add(readable.snapshot(t.table()));
                    held.add(null);
                } else {
                    // a stage below that ran in shares too (or constants): its results go whole to every share
                    snapshots.add(null);
                    BatchList h = hold(s, allocator, shared);
                    held.add(h);
                    out.metrics.addAll(h.metrics);
                    plan = withResultSchema(plan, s, h);
                }
            }
            ShareInputs inputs = new ShareInputs(stage, plan, p.splitScan(), snapshots);
            SplitFeed feed = p.splitScan() < 0 ? new NoSplit() : splitFeed(stage, p.splitScan(), snapshots.get(p.splitScan()), allocator);
            opened = feed;
            List<java.util.concurrent.Future<BatchList>> others = new ArrayList<>();
            for (int i = 1; i < options.parallelism(); i++) {
                List<BatchList> copies = views(held, allocator); // made here: a share's thread only reads its own
                int share = i;
                others.add(shares.submit(() -> runShare(inputs, copies, feed, allocator, share)));
            }
            RuntimeException failure = null;
            try {
                out.addAll(runShare(inputs, views(held, allocator), feed, allocator, 0));
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
            if (opened != null) {
                opened.close();
            }
            held.forEach(h -> {
                if (h != null) {
                    h.close();
                }
            });
            snapshots.forEach(s -> {
                if (s != null) {
                    s.close();
                }
            });
        }
    }

    /** How the shares divide the slices of the stage's scan {@code split}. */
    private SplitFeed splitFeed(LoweredPlan stage, int split, TableSnapshot snapshot, BufferAllocator allocator) {
        ScanInput.Table table = (ScanInput.Table) stage.scans().get(split);
        return snapshot.decodesOnRead() && snapshot.fileCount() > 1
                ? new FilesByShare(snapshot.scanByFile(table.columns(), table.filter(), allocator), allocator, options.scanBatchRows())
                : new SharedSlices(SnapshotScan.of(snapshot, table.columns(), table.filter(), allocator, options.scanBatchRows(), false));
    }

    /** What every share of one stage reads: the stage's plan (patched), which scan is split, the tables' snapshots. */
    private record ShareInputs(LoweredPlan stage, org.apache.comet.serde.OperatorOuterClass.Operator plan, int split,
                               List<TableSnapshot> snapshots) {
    }

    /** A share's own views of the held inputs (sharing their buffers), so each share's scan can close what it reads. */
    private static List<BatchList> views(List<BatchList> held, BufferAllocator allocator) {
        List<BatchList> copies = new ArrayList<>();
        for (BatchList h : held) {
            copies.add(h == null ? null : h.view(allocator));
        }
        return copies;
    }

    private BatchList runShare(ShareInputs share, List<BatchList> held, SplitFeed feed, BufferAllocator allocator, int index) {
        LoweredPlan stage = share.stage();
        List<Iterator<VectorSchemaRoot>> inputs = new ArrayList<>();
        BatchList out = new BatchList();
        try {
            for (int j = 0; j < stage.scans().size(); j++) {
                if (j == share.split()) {
                    inputs.add(feed.share());
                } else if (held.get(j) != null) {
                    inputs.add(held.get(j));
                } else {
                    ScanInput.Table t = (ScanInput.Table) stage.scans().get(j);
                    // a table divided by key range: the files of other shares' ranges are skipped
                    inputs.add(SnapshotScan.of(share.snapshots().get(j), t.columns(), t.filterFor(index), allocator, options.scanBatchRows(), false));
                }
            }
        } catch (RuntimeException e) {
            inputs.forEach(i -> ((ScanFeed) i).close());
            held.forEach(h -> {
                if (h != null) {
                    h.close();
                }
            });
            throw e;
        }
        try (NativeResultReader reader = executor.execute(stage.sql(), share.plan(), inputs, stage.columnNames(), stage.plannedSchema(),
                allocator, index)) {
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

    /** A stage whose shares each read every table in full and keep their own part of the rows (by key). */
    private static final class NoSplit implements SplitFeed {
        @Override
        public ScanFeed share() {
            throw new IllegalStateException("a stage in shares by key splits no scan");
        }

        @Override
        public void close() {
        }
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

    /**
     * Rows {@code offset} to {@code offset + n} of {@code batch} as a batch of their own that shares its buffers
     * (retained, not copied): a slice of a scan, or a share's view of a held input.
     */
    private static VectorSchemaRoot rows(VectorSchemaRoot batch, int offset, int n, BufferAllocator allocator) {
        List<org.apache.arrow.vector.FieldVector> vectors = new ArrayList<>();
        for (org.apache.arrow.vector.FieldVector v : batch.getFieldVectors()) {
            var tp = v.getTransferPair(allocator);
            tp.splitAndTransfer(offset, n);
            vectors.add((org.apache.arrow.vector.FieldVector) tp.getTo());
        }
        VectorSchemaRoot out = new VectorSchemaRoot(vectors);
        out.setRowCount(n);
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

        /**
         * Another list of the same batches, whose vectors share these buffers (each buffer is retained, not copied):
         * for a reader that closes what it reads while this list's batches stay for others.
         */
        BatchList view(BufferAllocator allocator) {
            BatchList v = new BatchList();
            for (VectorSchemaRoot b : batches) {
                if (b.getRowCount() == 0) {
                    continue;
                }
                v.add(rows(b, 0, b.getRowCount(), allocator));
            }
            return v;
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
            VectorSchemaRoot slice = rows(pending, offset, n, allocator);
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
