package io.rhei.bench;

import io.rhei.core.engine.SyncEngine;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.core.log.LogReader;
import io.rhei.core.log.LogRecordCodec;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * sync-core figures (issue 2): change-log append and read of ~200-byte events against raw Chronicle Queue writing
 * and reading the very same bytes, and the sync engine's cost per event into a sink that does nothing.
 */
final class CoreBenchmark {
    private static final int BATCH = 1000;
    private static final TableSchema ORDERS = TableSchema.builder(TableId.parse("shop.orders"))
            .key("id", ColumnType.INT64).column("customer_id", ColumnType.INT64).column("status", ColumnType.TEXT)
            .column("total", ColumnType.decimal(12, 2)).column("note", ColumnType.TEXT).build();

    private final Report report;
    private final int events;

    CoreBenchmark(Report report, int events) {
        this.report = report;
        this.events = events;
    }

    private static List<ChangeEvent> events(int n) {
        List<ChangeEvent> out = new ArrayList<>(n);
        String note = "x".repeat(120);
        for (int i = 1; i <= n; i++) {
            long lsn = 1000L + i * 64L;
            Row row = Row.of((long) i, (long) (i % 10_000), i % 3 == 0 ? "shipped" : "open",
                    java.math.BigDecimal.valueOf(i % 100_000, 2), note);
            out.add(ChangeEvent.upsert(i % 4 == 0 ? Operation.UPDATE : Operation.INSERT, ORDERS.table(), 1, RowKey.of((long) i % 50_000),
                    row, new SourcePosition(lsn, lsn, 0), i / 5, 1_764_000_000_000_000L + i));
        }
        return out;
    }

    void run() throws Exception {
        report.section("sync-core: change log (" + String.format("%,d", events) + " events; raw = Chronicle Queue writing/reading the same encoded bytes)");
        List<ChangeEvent> input = events(events);
        LogRecordCodec codec = new LogRecordCodec();
        byte[][] encoded = new byte[input.size()][];
        long totalBytes = 0;
        for (int i = 0; i < input.size(); i++) {
            encoded[i] = codec.toBytes(input.get(i).withSeq(i + 1));
            totalBytes += encoded[i].length;
        }
        report.line(String.format("encoded event size: %.0f bytes on average", (double) totalBytes / input.size()));

        // Warm both paths once (JIT, page cache), then measure.
        int warm = Math.min(encoded.length, 200_000);
        rawAppend(encoded, warm, true, BATCH);
        rheiAppendAndRead(input.subList(0, warm), true, BATCH);

        for (int[] mode : new int[][]{{1, BATCH}, {1, 10 * BATCH}, {0, BATCH}}) {
            boolean fsync = mode[0] == 1;
            int batch = mode[1];
            String label = (fsync ? "fsync/batch" : "no fsync") + ", batch " + batch;
            // Median of alternating runs: this machine is shared, single runs swing by 2x.
            double[][] raw = new double[REPEATS][];
            double[][] rhei = new double[REPEATS][];
            for (int r = 0; r < REPEATS; r++) {
                System.gc();
                raw[r] = rawAppend(encoded, encoded.length, fsync, batch);
                System.gc();
                rhei[r] = rheiAppendAndRead(input, fsync, batch);
            }
            double rawAppend = median(raw, 0);
            double rawRead = median(raw, 1);
            double append = median(rhei, 0);
            double read = median(rhei, 1);
            report.ratio("append, " + label, append, "ev/s", "raw", rawAppend, rawAppend / append, "cost <= 2.0x raw", rawAppend / append <= 2.0);
            report.absolute("append, " + label, append, "ev/s", ">= 1,000,000 ev/s", append >= 1_000_000);
            report.ratio("read+decode, " + label, read, "ev/s", "raw bytes", rawRead, rawRead / read,
                    "(info: raw copies bytes, Rhei builds rows)", true);
        }
        input = null;

        report.section("sync-core: sync engine into a no-op sink");
        engineOverhead();
    }

    /** Raw Chronicle: the same encoded bytes, one document each, synced per batch like the log. Returns {append, read}. */
    private double[] rawAppend(byte[][] encoded, int n, boolean fsync, int batch) throws IOException {
        Path dir = Files.createTempDirectory("rhei-bench-raw");
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir)
                .syncMode(fsync ? net.openhft.chronicle.bytes.SyncMode.SYNC : net.openhft.chronicle.bytes.SyncMode.NONE).build();
             SingleChronicleQueue readQ = SingleChronicleQueueBuilder.binary(dir).build()) {
            ExcerptAppender app = q.createAppender();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                try (DocumentContext dc = app.writingDocument()) {
                    dc.wire().bytes().write(encoded[i]);
                }
                if (fsync && (i + 1) % batch == 0) {
                    app.sync();
                }
            }
            if (fsync) {
                app.sync();
            }
            double append = n / seconds(t0);
            byte[] buf = new byte[4096];
            long expectedBytes = 0;
            for (int i = 0; i < n; i++) {
                expectedBytes += encoded[i].length;
            }
            long bytesRead = 0;
            try (ExcerptTailer tailer = readQ.createTailer()) {
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        var bytes = dc.wire().bytes();
                        int len = (int) bytes.readRemaining();
                        bytes.read(buf, 0, len);
                        bytesRead += len;
                    }
                }
                double read = n / seconds(t1);
                if (bytesRead != expectedBytes) {
                    throw new IllegalStateException("raw read returned " + bytesRead + " bytes, " + expectedBytes + " were written");
                }
                app.close();
                return new double[]{append, read};
            }
        } finally {
            delete(dir);
        }
    }

    private double[] rheiAppendAndRead(List<ChangeEvent> input, boolean fsync, int batch) throws Exception {
        Path dir = Files.createTempDirectory("rhei-bench-log");
        try (ChronicleChangeLog log = ChronicleChangeLog.open(ChronicleLogConfig.defaults(dir).withMinFreeBytes(0)
                .withFsync(fsync ? ChronicleLogConfig.FsyncPolicy.BATCH : ChronicleLogConfig.FsyncPolicy.NONE))) {
            long t0 = System.nanoTime();
            for (int i = 0; i < input.size(); i += batch) {
                log.append(input.subList(i, Math.min(input.size(), i + batch)));
            }
            double append = input.size() / seconds(t0);
            return new double[]{append, readRate(log, input.size())};
        } finally {
            delete(dir);
        }
    }

    private static double readRate(ChangeLog log, int count) throws InterruptedException {
        {
            long t1 = System.nanoTime();
            List<LogRecord> into = new ArrayList<>(BATCH);
            long read = 0;
            try (LogReader reader = log.openReader(1)) {
                while (read < count) {
                    into.clear();
                    read += reader.poll(into, BATCH, Duration.ofSeconds(1));
                }
            }
            return read / seconds(t1);
        }
    }

    private void engineOverhead() throws Exception {
        Path dir = Files.createTempDirectory("rhei-bench-engine");
        try (ChronicleChangeLog log = ChronicleChangeLog.open(ChronicleLogConfig.defaults(dir)
                .withFsync(ChronicleLogConfig.FsyncPolicy.NONE).withMinFreeBytes(0))) {
            log.append(List.of(SchemaChange.of(ORDERS, new SourcePosition(1, 1, 0))));
            List<ChangeEvent> input = events(events);
            for (int i = 0; i < input.size(); i += 10_000) {
                log.append(input.subList(i, Math.min(input.size(), i + 10_000)));
            }
            input = null;
            // Baseline: reading and decoding the same log with nothing else.
            readAll(log);
            runEngine(log);
            double[][] runs = new double[REPEATS][2];
            NoOpSink sink = null;
            for (int r = 0; r < REPEATS; r++) {
                System.gc();
                long t0 = System.nanoTime();
                long n = readAll(log);
                runs[r][0] = n / seconds(t0);
                System.gc();
                long t1 = System.nanoTime();
                sink = runEngine(log);
                runs[r][1] = log.lastSeq() / seconds(t1);
            }
            double readRate = median(runs, 0);
            double engineRate = median(runs, 1);
            report.line(String.format("engine coalesced %,d events into %,d row changes", log.lastSeq(), sink.changesSeen));
            report.ratio("engine into no-op sink (events/s)", engineRate, "ev/s", "log read alone", readRate, readRate / engineRate,
                    "(overhead, info)", true);
            report.absolute("engine into no-op sink (events/s)", engineRate, "ev/s", ">= 500,000 ev/s", engineRate >= 500_000);
        } finally {
            delete(dir);
        }
    }

    private static NoOpSink runEngine(ChangeLog log) throws InterruptedException {
        NoOpSink sink = new NoOpSink();
        SyncEngine.builder(log, sink).build().runUntil(log.lastSeq());
        return sink;
    }

    private static long readAll(ChangeLog log) throws InterruptedException {
        long n = 0;
        List<LogRecord> into = new ArrayList<>(4096);
        try (LogReader reader = log.openReader(1)) {
            while (n < log.lastSeq()) {
                into.clear();
                n += reader.poll(into, 4096, Duration.ofSeconds(1));
            }
        }
        return n;
    }

    private static final int REPEATS = 3;

    private static double median(double[][] runs, int column) {
        double[] v = new double[runs.length];
        for (int i = 0; i < runs.length; i++) {
            v[i] = runs[i][column];
        }
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
