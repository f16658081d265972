package io.rhei.bench;

import io.rhei.cli.RheiCommand;
import io.rhei.core.metrics.LatencyHistogram;
import io.rhei.testing.ChildJvm;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.testing.LocalResources;
import io.rhei.testing.ShopWorkload;
import io.rhei.testing.SidecarConfig;
import io.rhei.testing.TpchDataset;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A production-size first start (issue 19): TPC-H at a scale factor loaded into the embedded PostgreSQL with the
 * specification's keys, then {@code rhei run} from nothing into local Vortex, as a child process with the launcher's
 * default heap and {@code etc/jvm.options}. Reports the time to the first complete snapshot (until {@code /health} says
 * ready) and its rows/s, the sidecar's peak resident memory and heap, the tables' size on disk; then the 22 TPC-H
 * queries through Rhei's PostgreSQL port, each answer compared with PostgreSQL's; then a shop-style mixed workload on
 * top (in schema {@code shop}) with freshness measured by ticks committed in PostgreSQL and polled through Rhei.
 */
final class ScaleBenchmark {
    private final Report report;
    private final double scaleFactor;
    private final int workloadSeconds;

    ScaleBenchmark(Report report, double scaleFactor, int workloadSeconds) {
        this.report = report;
        this.scaleFactor = scaleFactor;
        this.workloadSeconds = workloadSeconds;
    }

    void run() throws Exception {
        report.section(String.format(Locale.ROOT, "Scale: TPC-H SF %s in PostgreSQL, then rhei run from nothing into local Vortex "
                + "(child JVM, -Xmx%s, etc/jvm.options), the 22 queries, and %d s of the shop workload", scaleFactor, SidecarJvm.DEFAULT_HEAP, workloadSeconds));
        Path dir = Files.createTempDirectory("rhei-bench-scale");
        Process sidecar = null;
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pgdata"))) {
          try {
            long rows = loadTpch(pg);
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA shop");
                st.execute("SET search_path TO shop");
                ShopWorkload.createSchema(c, 10_000, 1_000);
                st.execute("CREATE TABLE shop.ticks (id int8 PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
            }
            int pgPort = freePort();
            int metricsPort = freePort();
            Path config = SidecarConfig.of(pg.port(), "rhei_scale", dir.resolve("log"))
                    .set("source.tables.include", "(public|shop)\\..*")
                    .set("storage.uri", dir.resolve("tables").toString())
                    .set("server.pg-port", pgPort).set("metrics.port", metricsPort).writeTo(dir.resolve("rhei.properties"));
            long t0 = System.nanoTime();
            sidecar = ChildJvm.of(RheiCommand.class).jvmFlags(SidecarJvm.flags(SidecarJvm.DEFAULT_HEAP)).args("run", "--config", config.toString())
                    .output(dir.resolve("rhei.out")).start();
            Metrics metrics = new Metrics(metricsPort);
            MemoryWatch memory = new MemoryWatch(metrics);
            Thread watch = new Thread(memory, "memory-watch");
            watch.setDaemon(true);
            watch.start();
            awaitReady(metrics, sidecar, dir.resolve("rhei.out"), Duration.ofHours(3));
            double snapshotS = (System.nanoTime() - t0) / 1e9;
            report.line(String.format(Locale.ROOT, "first complete snapshot (process start to /health ready): %.1f s, %,.0f rows/s (%,d TPC-H rows)",
                    snapshotS, rows / snapshotS, rows));
            report.line(String.format(Locale.ROOT, "storage on disk: %,d MiB of Vortex files and manifests; change log %,d MiB",
                    bytes(dir.resolve("tables")) >> 20, bytes(dir.resolve("log")) >> 20));
            report.line(String.format(Locale.ROOT, "sidecar after the snapshot: peak resident %,d MiB, peak heap used %,d MiB of %,d MiB",
                    metrics.value("process_resident_memory_peak_bytes") >> 20, memory.peakHeap >> 20, metrics.value("jvm_memory_heap_max_bytes") >> 20));
            String rheiUrl = "jdbc:postgresql://127.0.0.1:" + pgPort + "/rhei?user=rhei";
            queries(pg, rheiUrl);
            workload(pg, rheiUrl);
            memory.stop.set(true);
            report.line(String.format(Locale.ROOT, "sidecar at the end: peak resident %,d MiB, peak heap used %,d MiB",
                    metrics.value("process_resident_memory_peak_bytes") >> 20, memory.peakHeap >> 20));
          } finally { // before PostgreSQL: its stop waits for the sidecar's replication connection
            if (sidecar != null) {
                sidecar.destroy();
                sidecar.waitFor();
            }
          }
        } finally {
            LocalResources.deleteTree(dir);
        }
    }

    /** TPC-H into PostgreSQL: COPY streamed from the generator, then the indexes PostgreSQL's plans want, and ANALYZE. */
    private long loadTpch(EmbeddedPostgresServer pg) throws SQLException {
        long t0 = System.nanoTime();
        long rows = 0;
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            for (String table : TpchDataset.tableNames()) {
                st.execute(TpchDataset.createTable(table));
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN");
                long[] count = {0};
                new TpchDataset(scaleFactor).copyText(table, line -> {
                    byte[] b = line.getBytes(StandardCharsets.UTF_8);
                    try {
                        copy.writeToCopy(b, 0, b.length);
                    } catch (SQLException e) {
                        throw new IllegalStateException("COPY into " + table + ": " + e.getMessage(), e);
                    }
                    count[0]++;
                });
                copy.endCopy();
                rows += count[0];
            }
            st.execute("CREATE INDEX ON lineitem (l_partkey, l_suppkey)");
            st.execute("CREATE INDEX ON orders (o_custkey)");
            st.execute("ANALYZE");
        }
        report.line(String.format(Locale.ROOT, "loaded %,d rows into PostgreSQL in %.1f s", rows, (System.nanoTime() - t0) / 1e9));
        return rows;
    }

    /** Each query once through Rhei's PostgreSQL port (a cold and a warm run) and once in PostgreSQL; answers compared. */
    private void queries(EmbeddedPostgresServer pg, String rheiUrl) throws SQLException {
        report.line(String.format(Locale.ROOT, "%-5s %12s %12s %12s %10s  %s", "query", "Rhei 1st ms", "Rhei 2nd ms", "PG ms", "PG/Rhei", "answer"));
        double logVsPg = 0;
        int equal = 0;
        try (Connection rhei = DriverManager.getConnection(rheiUrl); Connection p = pg.connect()) {
            for (int q = 1; q <= 22; q++) {
                String sql = TpchDataset.query(q);
                long t = System.nanoTime();
                List<List<Object>> first = answer(rhei, sql);
                double firstMs = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                answer(rhei, sql);
                double secondMs = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                List<List<Object>> expected = answer(p, sql);
                double pgMs = (System.nanoTime() - t) / 1e6;
                String diff = AnswerComparison.difference(expected, first);
                equal += diff == null ? 1 : 0;
                logVsPg += Math.log(pgMs / secondMs);
                report.line(String.format(Locale.ROOT, "Q%-4d %12.1f %12.1f %12.1f %10.2f  %s", q, firstMs, secondMs, pgMs, pgMs / secondMs,
                        diff == null ? "equal (" + expected.size() + " rows)" : "DIFFERS: " + diff));
            }
        }
        report.line(String.format(Locale.ROOT, "answers equal to PostgreSQL's: %d of 22; geometric mean PostgreSQL/Rhei (warm) %.2f", equal,
                Math.exp(logVsPg / 22)));
    }

    private static List<List<Object>> answer(Connection c, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Number || v == null ? v : rs.getString(i)); // numeric as BigDecimal, with its scale
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The shop workload on top of the synced TPC-H tables, with ticks committed every 100 ms and polled through Rhei. */
    private void workload(EmbeddedPostgresServer pg, String rheiUrl) throws Exception {
        String shopUrl = pg.jdbcUrl() + "?user=postgres&options=-c%20search_path%3Dshop";
        ShopWorkload load = new ShopWorkload(() -> {
            try {
                return DriverManager.getConnection(shopUrl);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, 500);
        Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        LatencyHistogram freshness = new LatencyHistogram();
        Thread ticker = new Thread(() -> {
            try (Connection c = pg.connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO shop.ticks (id) VALUES (?)")) {
                for (long id = 1; !stop.get(); id++) {
                    insert.setLong(1, id);
                    insert.executeUpdate();
                    committedAt.put(id, System.nanoTime());
                    Thread.sleep(100);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException("ticker: " + e.getMessage(), e);
            }
        }, "ticker");
        Thread watcher = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(rheiUrl); PreparedStatement max = c.prepareStatement("SELECT coalesce(max(id), 0) FROM shop.ticks")) {
                long seen = 0;
                while (!stop.get() || !committedAt.isEmpty()) {
                    long newest;
                    try (ResultSet rs = max.executeQuery()) {
                        rs.next();
                        newest = rs.getLong(1);
                    }
                    long now = System.nanoTime();
                    for (long id = seen + 1; id <= newest; id++) {
                        Long at = committedAt.remove(id);
                        if (at != null) {
                            freshness.record((now - at) / 1000);
                        }
                    }
                    seen = Math.max(seen, newest);
                    Thread.sleep(10);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException("freshness watcher: " + e.getMessage(), e);
            }
        }, "freshness-watcher");
        Thread shop = new Thread(load, "shop-workload");
        shop.start();
        Thread.sleep(2_000); // the steady state: the workload's connections are open
        ticker.start();
        watcher.start();
        Thread.sleep(workloadSeconds * 1000L);
        stop.set(true);
        load.stop();
        shop.join();
        ticker.join();
        watcher.join(120_000);
        if (load.failure() != null) {
            throw new IllegalStateException("the shop workload failed: " + load.failure().getMessage(), load.failure());
        }
        report.line(String.format(Locale.ROOT, "shop workload: %,d transactions (%,d row changes) in %d s; freshness (commit -> visible in a query "
                        + "through Rhei), %,d ticks: p50 %.0f ms, p99 %.0f ms, max %.0f ms", load.committed(), load.rowChanges(), workloadSeconds,
                freshness.count(), freshness.percentile(50) / 1000.0, freshness.percentile(99) / 1000.0, freshness.max() / 1000.0));
    }

    private static void awaitReady(Metrics metrics, Process sidecar, Path output, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!sidecar.isAlive()) {
                throw new IllegalStateException("rhei run exited with " + sidecar.exitValue() + " before it was ready; its output ends:\n"
                        + tail(output));
            }
            if (metrics.ready()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("rhei run was not ready within " + timeout + "; its output ends:\n" + tail(output));
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** The peak of the heap in use, sampled every 500 ms from the sidecar's {@code /metrics}. */
    private static final class MemoryWatch implements Runnable {
        private final Metrics metrics;
        final AtomicBoolean stop = new AtomicBoolean();
        volatile long peakHeap;

        MemoryWatch(Metrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try {
                    peakHeap = Math.max(peakHeap, metrics.value("jvm_memory_heap_used_bytes"));
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    sleepQuietly(); // not up yet
                }
            }
        }

        private static void sleepQuietly() {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The sidecar's {@code /metrics} and {@code /health}. */
    private static final class Metrics {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final int port;

        Metrics(int port) {
            this.port = port;
        }

        boolean ready() {
            try {
                return get("/health").statusCode() == 200;
            } catch (IOException e) {
                return false; // not listening yet
            }
        }

        long value(String name) {
            try {
                for (String line : get("/metrics").body().split("\n")) {
                    if (line.startsWith(name + " ")) {
                        return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
                    }
                }
                return -1;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private HttpResponse<String> get(String path) throws IOException {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static long bytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
