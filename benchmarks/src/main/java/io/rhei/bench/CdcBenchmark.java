package io.rhei.bench;

import io.rhei.cdc.PostgresCdcSource;
import io.rhei.cdc.PostgresSourceConfig;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.core.metrics.LatencyHistogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * CDC figures (issue 5): a 200k-change workload (inserts, updates, deletes in 1,000-row transactions) committed to
 * the embedded PostgreSQL while Rhei captures it into the change log. Baseline: PostgreSQL decoding the same WAL
 * through a second pgoutput slot ({@code pg_logical_slot_get_binary_changes}), i.e. the server's own decoding rate
 * with no network, conversion or log in the way.
 */
final class CdcBenchmark {
    private static final int TX_ROWS = 1000;
    private static final long BURST_BASE = 1_000_000_000L;
    private static final int PACED_RATE = 5_000;
    private static final int PACED_SECONDS = 6;
    private final Report report;
    private final int changes;

    CdcBenchmark(Report report, int changes) {
        this.report = report;
        this.changes = changes;
    }

    void run() throws Exception {
        report.section("CDC: PostgreSQL commit -> durable in the change log (" + String.format("%,d", changes) + " row changes)");
        Path dir = Files.createTempDirectory("rhei-bench-cdc");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start();
             ChronicleChangeLog log = ChronicleChangeLog.open(ChronicleLogConfig.defaults(dir.resolve("log")))) {
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE public.bench_orders (id int8 PRIMARY KEY, customer_id int8, status text, total numeric(12,2), note text)");
                st.execute("INSERT INTO public.bench_orders VALUES (0, 0, 'ready', 0, '')");
            }
            PostgresSourceConfig cfg = PostgresSourceConfig.local(pg.port(), "postgres", "postgres", "", dir.resolve("offsets.dat"), "bench")
                    .withTablesInclude("public.bench_orders");
            try (PostgresCdcSource source = new PostgresCdcSource(cfg, log)) {
                source.start();
                // the incremental snapshot logs the schema and row 0 (no TRUNCATE first, unlike the old blocking one)
                long snapshotDone = waitFor(log, 2, 120_000);
                LatencyHistogram lat = source.metrics().captureLatency();
                lat.reset();
                long pacedSeq = pacedPhase(pg, log, snapshotDone);
                report.line(String.format("steady %,d changes/s for %d s, commit -> durable in log: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
                                + "(%,d events)", PACED_RATE, PACED_SECONDS, lat.percentile(50) / 1000.0, lat.percentile(99) / 1000.0,
                        lat.max() / 1000.0, lat.count()));
                lat.reset();
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    st.execute("SELECT pg_create_logical_replication_slot('bench_raw', 'pgoutput')");
                }
                int inserts = changes * 8 / 10;
                int updates = changes / 10;
                int deletes = changes - inserts - updates;
                long t0 = System.nanoTime();
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    for (int from = 1; from <= inserts; from += TX_ROWS) {
                        int to = Math.min(inserts, from + TX_ROWS - 1);
                        st.execute("INSERT INTO public.bench_orders SELECT g + " + BURST_BASE + ", g % 5000, 'open', (g % 100000) / 100.0, md5(g::text) "
                                + "FROM generate_series(" + from + ", " + to + ") g");
                    }
                    for (int from = 1; from <= updates; from += TX_ROWS) {
                        st.execute("UPDATE public.bench_orders SET status = 'shipped' WHERE id BETWEEN " + (BURST_BASE + from) + " AND "
                                + (BURST_BASE + Math.min(updates, from + TX_ROWS - 1)));
                    }
                    for (int from = inserts - deletes + 1; from <= inserts; from += TX_ROWS) {
                        st.execute("DELETE FROM public.bench_orders WHERE id BETWEEN " + (BURST_BASE + from) + " AND "
                                + (BURST_BASE + Math.min(inserts, from + TX_ROWS - 1)));
                    }
                }
                long committedNanos = System.nanoTime() - t0;
                waitFor(log, pacedSeq + changes, 600_000);
                long capturedNanos = System.nanoTime() - t0;
                double commitRate = changes / (committedNanos / 1e9);
                double captureRate = changes / (capturedNanos / 1e9);

                long d0 = System.nanoTime();
                long decoded;
                try (Connection c = pg.connect(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_logical_slot_get_binary_changes('bench_raw', NULL, NULL, "
                             + "'proto_version', '1', 'publication_names', '" + cfg.publication() + "')")) {
                    rs.next();
                    decoded = rs.getLong(1);
                }
                double decodeRate = changes / ((System.nanoTime() - d0) / 1e9);
                report.line(String.format("workload committed in %.2f s (%,.0f changes/s); %,d pgoutput messages decoded by the baseline",
                        committedNanos / 1e9, commitRate, decoded));
                report.ratio("capture rate (commit -> log)", captureRate, "ev/s", "pg decode", decodeRate, captureRate / decodeRate,
                        "info", true);
                report.absolute("capture rate", captureRate, "ev/s", ">= 30,000", captureRate >= 30_000);
                report.line(String.format("burst backlog, commit -> durable in log: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%,d events)",
                        lat.percentile(50) / 1000.0, lat.percentile(99) / 1000.0, lat.max() / 1000.0, lat.count()));
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    st.execute("SELECT pg_drop_replication_slot('bench_raw')");
                }
            }
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_drop_replication_slot('bench')");
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A steady 5k changes/s (50-row transactions every 10 ms) for the commit -> log latency a live system sees. */
    private long pacedPhase(EmbeddedPostgresServer pg, ChronicleChangeLog log, long fromSeq) throws Exception {
        int perTx = 50;
        int txs = PACED_RATE * PACED_SECONDS / perTx;
        long start = System.nanoTime();
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            for (int i = 0; i < txs; i++) {
                long due = start + i * (1_000_000_000L / (PACED_RATE / perTx));
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                st.execute("INSERT INTO public.bench_orders SELECT g, 1, 'paced', 1.00, 'x' FROM generate_series("
                        + (1 + i * perTx) + ", " + ((i + 1) * perTx) + ") g");
            }
        }
        long seq = waitFor(log, fromSeq + (long) txs * perTx, 120_000);
        return seq;
    }

    private static long waitFor(ChronicleChangeLog log, long seq, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (log.lastSeq() < seq) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("capture did not reach log sequence " + seq + " within " + timeoutMs + " ms (at " + log.lastSeq() + ")");
            }
            Thread.sleep(2);
        }
        return log.lastSeq();
    }
}
