package io.rhei.bench;

import io.rhei.testing.LocalResources;
import dev.vortex.api.ScanOptions;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.storage.BatchStream;
import io.rhei.storage.StorageConfig;
import io.rhei.storage.TableSnapshot;
import io.rhei.storage.TableStorage;
import io.rhei.storage.VortexIO;
import io.rhei.storage.VortexStorage;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Storage figures (issue 4): the cost of a 1,000-row upsert batch on a local Vortex table of 1M and of 10M rows
 * (merge-on-read should not care about the table's size), beside the whole-table rewrite strategy; full-scan
 * rows/s of Vortex against the same data in memory and as Arrow IPC; write MB/s and file size against Arrow IPC.
 */
final class StorageBenchmark {
    private static final TableSchema SCHEMA = TableSchema.builder(TableId.parse("bench.accounts"))
            .key("id", ColumnType.INT64).column("qty", ColumnType.INT32).column("price", ColumnType.FLOAT64)
            .column("status", ColumnType.TEXT).column("updated", ColumnType.TIMESTAMPTZ).build();
    /** The same table keyed by text: its key index holds fingerprints checked against the keys stored in the files. */
    private static final TableSchema TEXT_KEYED = TableSchema.builder(TableId.parse("bench.accounts"))
            .key("id", ColumnType.TEXT).column("qty", ColumnType.INT32).column("price", ColumnType.FLOAT64)
            .column("status", ColumnType.TEXT).column("updated", ColumnType.TIMESTAMPTZ).build();
    private static final List<String> COLUMNS = List.of("id", "qty", "price", "status", "updated");
    private static final String[] STATUS = {"new", "paid", "shipped", "delivered", "cancelled"};
    private static final int LOAD_BATCH = 1_000_000;
    private static final int UPSERT = 1_000;

    private final Report report;
    private final long smallRows;
    private final long largeRows;
    private final int batches;

    StorageBenchmark(Report report, long smallRows, long largeRows, int batches) {
        this.report = report;
        this.smallRows = smallRows;
        this.largeRows = largeRows;
        this.batches = batches;
    }

    void run() throws Exception {
        report.section("Storage: 1,000-row upsert batches on local Vortex tables of " + String.format("%,d", smallRows) + " and "
                + String.format("%,d", largeRows) + " rows");
        Path dir = Files.createTempDirectory("rhei-bench-storage");
        try (BufferAllocator root = new RootAllocator()) {
            double small = upserts(root, dir.resolve("small"), SCHEMA, smallRows, false, batches);
            double large = upserts(root, dir.resolve("large"), SCHEMA, largeRows, false, batches);
            double textLarge = upserts(root, dir.resolve("text-large"), TEXT_KEYED, largeRows, false, batches);
            double rewriteSmall = upserts(root, dir.resolve("rewrite-small"), SCHEMA, smallRows, true, 3);
            double rewriteLarge = upserts(root, dir.resolve("rewrite-large"), SCHEMA, largeRows, true, 3);
            report.line(String.format("merge-on-read, median ms per batch: %,.1f at %,d rows, %,.1f at %,d rows", small, smallRows, large, largeRows));
            report.line(String.format("whole-table rewrite (baseline), median ms per batch: %,.1f at %,d rows, %,.1f at %,d rows",
                    rewriteSmall, smallRows, rewriteLarge, largeRows));
            double growth = large / small;
            report.ratio("batch time, large over small", large, "ms", "small", small, growth, "<= 1.5", growth <= 1.5);
            report.ratio("text key vs bigint key at large (fingerprint index)", textLarge, "ms", "bigint", large, textLarge / large, "info", true);
            report.ratio("rewrite baseline, large over small", rewriteLarge, "ms", "small", rewriteSmall, rewriteLarge / rewriteSmall, "info", true);
            report.ratio("merge-on-read vs rewrite at large", large, "ms", "rewrite", rewriteLarge, rewriteLarge / large, "info (x faster)", true);
            scans(root, dir.resolve("scan"));
        } finally {
            LocalResources.deleteTree(dir);
        }
    }

    private static StorageConfig config(Path dir, boolean rewriteEverything) {
        return rewriteEverything
                // every commit rewrites the whole table into one new file: the strategy merge-on-read replaces
                ? new StorageConfig(dir.toString(), 1, Integer.MAX_VALUE, 1e-12, Duration.ZERO, null, null)
                : new StorageConfig(dir.toString(), 16, 1_000_000, 0.5, Duration.ZERO, null, null);
    }

    /** Loads {@code rows}, then applies {@code n} upsert batches of random existing keys; the median ms per batch. */
    private double upserts(BufferAllocator root, Path dir, TableSchema schema, long rows, boolean rewrite, int n) {
        long seq = 0;
        try (TableStorage storage = config(dir, rewrite).open(root)) {
            storage.ensureTable(schema, 0);
            long t0 = System.nanoTime();
            for (long from = 0; from < rows; from += LOAD_BATCH) {
                int count = (int) Math.min(LOAD_BATCH, rows - from);
                List<RowChange> changes = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    long id = from + i;
                    Row row = row(schema, id, 0);
                    changes.add(RowChange.upsert(RowKey.of(row.get(0)), row, ++seq));
                }
                storage.apply(new TableChangeBatch(schema, false, changes, seq - count + 1, seq, count));
            }
            double loadS = (System.nanoTime() - t0) / 1e9;
            Random rnd = new Random(rows);
            double[] ms = new double[n];
            for (int b = 0; b < n; b++) {
                List<RowChange> changes = new ArrayList<>(UPSERT);
                java.util.Set<Long> seen = new java.util.HashSet<>();
                while (changes.size() < UPSERT) {
                    long id = (long) (rnd.nextDouble() * rows);
                    if (seen.add(id)) {
                        Row row = row(schema, id, b + 1);
                        changes.add(RowChange.upsert(RowKey.of(row.get(0)), row, ++seq));
                    }
                }
                long s = System.nanoTime();
                storage.apply(new TableChangeBatch(schema, false, changes, seq - UPSERT + 1, seq, UPSERT));
                if (rewrite) { // the baseline's rewrite is part of its commit; merge-on-read compacts in the background
                    ((VortexStorage) storage).awaitCompactions();
                }
                ms[b] = (System.nanoTime() - s) / 1e6;
            }
            try (TableSnapshot snap = storage.snapshot(schema.table())) {
                if (snap.rowCount() != rows) {
                    throw new IllegalStateException("table holds " + snap.rowCount() + " rows, expected " + rows);
                }
                report.line(String.format("%s%s %,d rows: loaded in %.1f s; %d batches of %,d upserts: median %.1f ms, max %.1f ms; %d files, %,d MB",
                        rewrite ? "rewrite " : "merge-on-read", schema == TEXT_KEYED ? ", text key" : "", rows, loadS, n, UPSERT, median(ms), Arrays.stream(ms).max().orElse(0),
                        snap.fileCount(), snap.bytes() >> 20));
            }
            double result = median(ms);
            storage.close();
            long o = System.nanoTime();
            try (TableStorage reopened = config(dir, rewrite).open(root)) {
                if (reopened.appliedSeq(schema.table()) != seq) {
                    throw new IllegalStateException("reopened at " + reopened.appliedSeq(schema.table()) + ", expected " + seq);
                }
                report.line(String.format("   reopened (manifest, deletion vectors, key index rebuilt from %,d keys) in %.1f s", rows,
                        (System.nanoTime() - o) / 1e9));
            }
            return result;
        }
    }

    private static Row row(TableSchema schema, long id, int version) {
        return Row.of(schema == TEXT_KEYED ? "acct-" + id : (Object) id, (int) (id % 1000) + version, (id % 10_000) / 100.0 + version, STATUS[(int) (id % STATUS.length)],
                Instant.ofEpochSecond(1_700_000_000L + id, 0));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Full scans of the same rows: Vortex file, memory, Arrow IPC file; writes of Vortex and Arrow IPC. */
    private void scans(BufferAllocator root, Path dir) throws IOException {
        Files.createDirectories(dir);
        int rows = (int) Math.min(smallRows, 2_000_000);
        report.section(String.format("Storage: full scan (all columns read, one summed) and write of %,d rows (%s)", rows, String.join(", ", COLUMNS)));
        Path memoryNote = dir.resolve("unused");
        long seq = 0;
        try (TableStorage memory = new StorageConfig("memory:", 16, Integer.MAX_VALUE, 0.5).open(root)) {
            memory.ensureTable(SCHEMA, 0);
            List<RowChange> changes = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                changes.add(RowChange.upsert(RowKey.of((long) i), row(SCHEMA, i, 0), ++seq));
            }
            memory.apply(new TableChangeBatch(SCHEMA, false, changes, 1, seq, rows));
            changes = null;
            try (TableSnapshot snap = memory.snapshot(SCHEMA.table()); BatchStream batches = snap.scan(COLUMNS, root);
                 VectorSchemaRoot data = batches.next()) {
                long rawBytes = 0;
                for (FieldVector v : data.getFieldVectors()) {
                    rawBytes += v.getBufferSize();
                }
                Path vortex = dir.resolve("t.vortex");
                Path ipc = dir.resolve("t.arrow");
                double vortexWriteS = best(3, () -> {
                    Files.deleteIfExists(vortex);
                    VortexIO.write(dir.resolve("w-" + System.nanoTime() + ".vortex").toUri().toString(), Map.of(), data, root);
                });
                VortexIO.write(vortex.toUri().toString(), Map.of(), data, root);
                double ipcWriteS = best(3, () -> writeIpc(ipc, data));
                long vortexBytes = Files.size(vortex);
                long ipcBytes = Files.size(ipc);
                double mb = rawBytes / 1e6;
                report.ratio("Vortex write", mb / vortexWriteS, "MB/s", "Arrow IPC", mb / ipcWriteS, (mb / vortexWriteS) / (mb / ipcWriteS), "info", true);
                report.ratio("Vortex file size", vortexBytes / 1e6, "MB", "Arrow IPC", ipcBytes / 1e6, (double) vortexBytes / ipcBytes, "info (<1 smaller)", true);
                double memoryS = best(5, () -> scanMemory(snap, root, rows));
                double vortexS = best(5, () -> scanVortex(vortex, root, rows));
                double ipcS = best(5, () -> scanIpc(ipc, root, rows));
                report.ratio("full scan, local Vortex", rows / vortexS, "rows/s", "memory", rows / memoryS, memoryS / vortexS, "info", true);
                report.ratio("full scan, local Vortex", rows / vortexS, "rows/s", "Arrow IPC", rows / ipcS, ipcS / vortexS, "info", true);
            }
        }
        Files.deleteIfExists(memoryNote);
    }

    private interface Timed {
        void run() throws IOException;
    }

    private static double best(int times, Timed t) throws IOException {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < times; i++) {
            long s = System.nanoTime();
            t.run();
            best = Math.min(best, (System.nanoTime() - s) / 1e9);
        }
        return best;
    }

    private static void writeIpc(Path file, VectorSchemaRoot data) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter w = new ArrowFileWriter(data, null, ch)) {
            w.start();
            w.writeBatch();
            w.end();
            ch.force(true);
        }
    }

    private static void scanMemory(TableSnapshot snap, BufferAllocator root, int expected) {
        long n = 0;
        try (BatchStream b = snap.scan(COLUMNS, root)) {
            while (b.hasNext()) {
                try (VectorSchemaRoot r = b.next()) {
                    n += r.getRowCount();
                    sink += sumQty(r);
                }
            }
        }
        check(n, expected);
    }

    /** Every scan reads one column's values too, so that handing buffers over without reading them is not "a scan". */
    private static long sink;

    private static long sumQty(VectorSchemaRoot r) {
        org.apache.arrow.vector.IntVector qty = (org.apache.arrow.vector.IntVector) r.getVector("qty");
        long s = 0;
        for (int i = 0; i < r.getRowCount(); i++) {
            s += qty.get(i);
        }
        return s;
    }

    private static void scanVortex(Path file, BufferAllocator root, int expected) {
        long n = 0;
        // a fresh name each time would defeat the library's metadata cache; the same file is what a table re-reads
        try (BatchStream b = VortexIO.scan(file.toString(), VortexIO.open(file.toUri().toString(), Map.of()), ScanOptions.of(), root)) {
            while (b.hasNext()) {
                try (VectorSchemaRoot r = b.next()) {
                    n += r.getRowCount();
                    sink += sumQty(r);
                }
            }
        }
        check(n, expected);
    }

    private static void scanIpc(Path file, BufferAllocator root, int expected) throws IOException {
        long n = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); ArrowFileReader r = new ArrowFileReader(ch, root)) {
            while (r.loadNextBatch()) {
                n += r.getVectorSchemaRoot().getRowCount();
                sink += sumQty(r.getVectorSchemaRoot());
            }
        }
        check(n, expected);
    }

    private static void check(long n, long expected) {
        if (n != expected) {
            throw new IllegalStateException("scan returned " + n + " rows, expected " + expected);
        }
    }
}
