package io.rhei.bench;

import io.rhei.cdc.PostgresCdcSource;
import io.rhei.cdc.PostgresSourceConfig;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.testing.LocalResources;
import org.postgresql.PGConnection;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * The initial snapshot's rate (issue 19): a table of {@code rows} rows read from nothing into the change log, beside
 * PostgreSQL's own {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} of the same table read by one JDBC connection
 * and discarded, in the same run: Debezium's incremental snapshot (the method before the bulk one), then the bulk snapshot
 * ({@code COPY} in page ranges) over 1, 2 and 4 connections.
 */
final class SnapshotBenchmark {
    private final Report report;
    private final int rows;

    SnapshotBenchmark(Report report, int rows) {
        this.report = report;
        this.rows = rows;
    }

    void run() throws Exception {
        report.section("Snapshot: a " + String.format("%,d", rows) + "-row table (id int8, customer int4, status text, total numeric(12,2), "
                + "note text, created timestamptz) read from nothing into the change log");
        Path dir = Files.createTempDirectory("rhei-bench-snapshot");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE public.bench_snap (id int8 PRIMARY KEY, customer int4, status text, total numeric(12,2), note text, "
                        + "created timestamptz)");
                st.execute("INSERT INTO public.bench_snap SELECT g, g % 5000, (ARRAY['new','paid','shipped'])[1 + g % 3], (g % 100000) / 100.0, "
                        + "md5(g::text), '2024-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, " + rows + ") g");
                st.execute("VACUUM ANALYZE public.bench_snap");
            }
            double copyRate = Math.max(copyRate(pg), copyRate(pg)); // the better of two: the first warms the cache
            report.line(String.format("PostgreSQL COPY ... TO STDOUT (FORMAT binary), one connection: %,.0f rows/s", copyRate));
            // a first, unreported read warms the JIT up: the first snapshot of a JVM ran at half the speed of the next
            int run = 0;
            double warm = captureRate(pg, dir.resolve("run-" + run), "bench_snap_" + run++, PostgresSourceConfig.SnapshotMethod.BULK, 2);
            report.line(String.format("warm-up read (not a figure): %,.0f rows/s", warm));
            double incremental = captureRate(pg, dir.resolve("run-" + run), "bench_snap_" + run++, PostgresSourceConfig.SnapshotMethod.INCREMENTAL, 1);
            report.line(String.format("incremental snapshot (Debezium's chunks of %,d rows, the method before the bulk one): %,.0f rows/s",
                    PostgresSourceConfig.DEFAULT_CHUNK_ROWS, incremental));
            for (int workers : new int[]{1, 2, 4}) {
                double rate = captureRate(pg, dir.resolve("run-" + run), "bench_snap_" + run++, PostgresSourceConfig.SnapshotMethod.BULK, workers);
                report.ratio("bulk snapshot into the log, " + workers + " connection" + (workers > 1 ? "s" : ""), rate, "rows/s", "COPY binary",
                        copyRate, rate / copyRate, ">= 0.5 of COPY", rate / copyRate >= 0.5);
                report.ratio("bulk snapshot, " + workers + " connection" + (workers > 1 ? "s" : "") + ", against the incremental one", rate,
                        "rows/s", "incremental", incremental, rate / incremental, ">= 10x", rate / incremental >= 10);
            }
        } finally {
            LocalResources.deleteTree(dir);
        }
    }

    private double copyRate(EmbeddedPostgresServer pg) throws Exception {
        long t0 = System.nanoTime();
        long bytes;
        try (Connection c = pg.connect()) {
            bytes = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM public.bench_snap) TO STDOUT (FORMAT binary)",
                    OutputStream.nullOutputStream());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (bytes <= 0) {
            throw new IllegalStateException("COPY returned nothing");
        }
        return rows / secs;
    }

    private double captureRate(EmbeddedPostgresServer pg, Path dir, String slot, PostgresSourceConfig.SnapshotMethod method, int workers)
            throws Exception {
        PostgresSourceConfig cfg = PostgresSourceConfig.local(pg.port(), "postgres", "postgres", "", dir.resolve("offsets.dat"), slot)
                .withTablesInclude("public\\.bench_snap").withSnapshotMethod(method, workers);
        long t0 = System.nanoTime();
        try (ChronicleChangeLog log = ChronicleChangeLog.open(ChronicleLogConfig.defaults(dir.resolve("log")));
             PostgresCdcSource source = new PostgresCdcSource(cfg, log)) {
            source.start();
            long deadline = System.currentTimeMillis() + 1_800_000;
            // the schema record and every row
            while (log.lastSeq() < rows + 1 || source.metrics().snapshotTablesRemaining() > 0) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the snapshot did not end within 30 minutes (log at " + log.lastSeq() + ")");
                }
                Thread.sleep(5);
            }
        } finally {
            dropSlot(pg, slot);
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("TRUNCATE public.rhei_signal");
            }
        }
        return rows / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Drops the run's slot once it is free. A Debezium engine stopped while still starting can hold it for a while after
     * its close gave up waiting (seen once in CI on a loaded machine); after 30 s its connection is ended.
     */
    private static void dropSlot(EmbeddedPostgresServer pg, String slot) throws Exception {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                try (java.sql.ResultSet rs = st.executeQuery("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
                    if (!rs.next()) {
                        return; // never created, or gone
                    }
                    int pid = rs.getInt(1);
                    if (rs.wasNull()) {
                        st.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        st.execute("SELECT pg_terminate_backend(" + pid + ")");
                    }
                }
                Thread.sleep(200);
            }
        }
    }
}
