package io.rhei.cli;

import io.rhei.testing.LocalResources;
import io.rhei.testing.ShopWorkload;
import io.rhei.Health;
import io.rhei.PostgresSource;
import io.rhei.QueryResult;
import io.rhei.Rhei;
import io.rhei.TableStatus;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.olap.QueryResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code rhei demo}: an embedded PostgreSQL with a shop application writing to it, Rhei syncing every table into
 * the OLAP engine, and a sample analytical query run on the synced copy every few seconds.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts an embedded PostgreSQL, creates a shop schema and writes to it steadily, syncs it into the",
                "OLAP engine and prints capture/apply rates, lag and a sample query every few seconds. Ctrl-C stops."})
final class DemoCommand implements Callable<Integer> {
    static final String SAMPLE_QUERY = "SELECT status, count(*) AS orders, sum(total) AS revenue, avg(total) AS avg_order "
            + "FROM orders GROUP BY status ORDER BY status";
    /** A join across the synced tables: revenue by customer country and product category, top five. */
    static final String JOIN_QUERY = "SELECT c.country, p.category, sum(i.qty * i.price) AS revenue, count(DISTINCT o.id) AS orders "
            + "FROM order_items i JOIN orders o ON o.id = i.order_id JOIN customers c ON c.id = o.customer_id "
            + "JOIN products p ON p.id = i.product_id WHERE o.status <> 'new' GROUP BY c.country, p.category "
            + "ORDER BY revenue DESC LIMIT 5";
    /** Each table with a column whose sum is compared with PostgreSQL's at the end, beside the row count. */
    private static final List<String[]> TABLES = List.of(new String[]{"customers", "id"}, new String[]{"products", "price"},
            new String[]{"orders", "total"}, new String[]{"order_items", "qty"});

    @Option(names = "--rate", description = "workload transactions per second (default ${DEFAULT-VALUE})", defaultValue = "200")
    int rate;

    @Option(names = "--duration", description = "stop after this long, e.g. 30s or 5m (default: run until Ctrl-C)")
    String duration;

    @Option(names = "--interval", description = "seconds between reports (default ${DEFAULT-VALUE})", defaultValue = "5")
    int interval;

    @Option(names = "--storage", description = "memory: (default), a local directory, or s3://bucket/prefix (Vortex files; S3 endpoint and credentials from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)", defaultValue = "memory:")
    String storage;

    @Option(names = "--flight-port", description = "Arrow Flight SQL port for clients (JDBC, ADBC, pyarrow); 0 picks a free one (default ${DEFAULT-VALUE})",
            defaultValue = "47470")
    int flightPort;

    @Option(names = "--pg-port", description = "PostgreSQL protocol port for psql and PostgreSQL drivers; 0 turns it off (default ${DEFAULT-VALUE})",
            defaultValue = "5433")
    int pgPort;

    @Option(names = "--metrics-port", description = "HTTP port of /metrics (Prometheus) and /health; 0 picks a free one (default ${DEFAULT-VALUE})",
            defaultValue = "9464")
    int metricsPort;

    @Option(names = "--data-dir", description = "keep PostgreSQL, the change log and offsets here (default: a temporary directory, removed at exit)")
    Path dataDir;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Duration runFor = duration == null ? null : parseDuration(duration);
        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory("rhei-demo") : Files.createDirectories(dataDir);
        CountDownLatch done = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            main.interrupt();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rhei-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("rhei demo: starting an embedded PostgreSQL (data in " + dir + ")");
        boolean matched;
        // stopped by this try, after the final check that Ctrl-C's shutdown hook waits for (not by a hook of its own)
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("postgres"), 0, false)) {
            try (Connection c = pg.connect()) {
                ShopWorkload.createSchema(c, 2000, 300);
            }
            out.println("shop schema created on 127.0.0.1:" + pg.port() + " (customers, products, orders, order_items)");
            // the demo serves queries without authentication, on loopback only
            Rhei.Builder builder = Rhei.builder()
                    .source(PostgresSource.builder().port(pg.port()).user("postgres").slot("rhei_demo").tables("public\\..*")
                            .set("source.offsets-file", dir.resolve("cdc-offsets.dat").toString()).build())
                    .log(dir.resolve("log")).storage(storage)
                    .set("server.host", "127.0.0.1").set("server.port", String.valueOf(flightPort)).set("server.auth", "none").set("server.pg-port", String.valueOf(pgPort))
                    .set("metrics.host", "127.0.0.1").set("metrics.port", String.valueOf(metricsPort)).serve();
            try (Rhei rhei = builder.build()) {
                rhei.start();
                ShopWorkload workload = new ShopWorkload(() -> connect(pg), rate);
                Thread writer = new Thread(workload, "shop-workload");
                writer.start();
                out.println("workload " + rate + " transactions/s; reading the tables' initial snapshot while it writes ...");
                // the connection lines come once the tables are queryable: a client that connects at once finds them
                awaitInitialSnapshot(rhei);
                out.println("query it with any Flight SQL client: jdbc:arrow-flight-sql://127.0.0.1:" + rhei.flightSqlPort() + "?useEncryption=false");
                if (rhei.pgPort() > 0) {
                    out.println("or with psql: psql \"host=127.0.0.1 port=" + rhei.pgPort()
                            + " user=rhei dbname=rhei sslmode=disable\"");
                }
                out.println("metrics: http://127.0.0.1:" + rhei.metricsPort() + "/metrics  health: http://127.0.0.1:" + rhei.metricsPort() + "/health");
                out.println("syncing into the OLAP engine (" + (storage.equals("memory:") ? "in memory" : "Vortex files in " + storage) + ")"
                        + (runFor == null ? "; Ctrl-C stops" : "; running for " + duration));
                try {
                    report(rhei, workload, runFor);
                } finally {
                    workload.stop();
                    writer.join();
                }
                if (workload.failure() != null) {
                    out.println("the workload failed: " + workload.failure());
                }
                matched = finalCheck(pg, rhei);
            }
        } finally {
            if (temporary) {
                LocalResources.deleteTree(dir);
            }
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        return matched ? 0 : 1;
    }

    private void report(Rhei rhei, ShopWorkload workload, Duration runFor) {
        long started = System.nanoTime();
        long lastCaptured = 0;
        long lastApplied = 0;
        long lastTime = started;
        while (runFor == null || System.nanoTime() - started < runFor.toNanos()) {
            try {
                Thread.sleep(interval * 1000L);
            } catch (InterruptedException e) {
                out.println();
                out.println("stopping (Ctrl-C)");
                Thread.interrupted();
                return;
            }
            Health health = rhei.health();
            if (health.status() == Health.Status.DEGRADED) {
                out.println("  ! " + health.detail());
            }
            long now = System.nanoTime();
            double secs = (now - lastTime) / 1e9;
            Map<String, Double> m = new HashMap<>();
            rhei.metrics().forEach(sample -> m.putIfAbsent(sample.name(), sample.value()));
            long captured = m.getOrDefault("rhei_events_captured_total", 0.0).longValue();
            long applied = m.getOrDefault("rhei_events_applied_total", 0.0).longValue() + m.getOrDefault("rhei_events_skipped_total", 0.0).longValue();
            out.printf(Locale.ROOT, "%n[%4ds] workload %,d tx (%,d row changes) | captured %,d (%,.0f/s) | applied %,d (%,.0f/s) "
                            + "| lag %,d events, %,.0f ms%n", (now - started) / 1_000_000_000L, workload.committed(), workload.rowChanges(),
                    captured, (captured - lastCaptured) / secs, applied, (applied - lastApplied) / secs,
                    m.getOrDefault("rhei_lag_events", 0.0).longValue(), m.getOrDefault("rhei_lag_seconds", 0.0) * 1000);
            lastCaptured = captured;
            lastApplied = applied;
            lastTime = now;
            for (String sql : List.of(SAMPLE_QUERY, JOIN_QUERY)) {
                long t0 = System.nanoTime();
                try (QueryResult r = rhei.query(sql)) {
                    List<String> columns = r.columnNames();
                    QueryResults.Table t = new QueryResults.Table(columns, r.rows());
                    out.printf(Locale.ROOT, "       %s  (%.1f ms, DataFusion)%n", sql, (System.nanoTime() - t0) / 1e6);
                    TablePrinter.print(t, out, "       ");
                } catch (RuntimeException e) {
                    out.println("       sample query failed: " + e.getMessage());
                }
            }
        }
    }

    private void awaitInitialSnapshot(Rhei rhei) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            rhei.awaitCaughtUp(Duration.ofMinutes(5));
        } catch (io.rhei.core.RheiException e) {
            out.println("  ! " + e.getMessage());
            return;
        }
        long rows = rhei.tables().stream().mapToLong(TableStatus::rows).sum();
        out.printf(Locale.ROOT, "initial snapshot done: %d tables, %,d rows, in %.1f s%n", rhei.tables().size(), rows, (System.nanoTime() - t0) / 1e9);
    }

    /** Waits for the sync to catch up with PostgreSQL (read-your-writes), then compares counts and sums of every table. */
    private boolean finalCheck(EmbeddedPostgresServer pg, Rhei rhei) throws InterruptedException {
        out.println();
        out.println("workload stopped; waiting for the sync to catch up ...");
        long t0 = System.nanoTime();
        rhei.awaitCaughtUp(Duration.ofSeconds(120));
        out.printf(Locale.ROOT, "caught up with PostgreSQL in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        boolean all = true;
        out.println("table          PostgreSQL rows / sum          Rhei rows / sum                match");
        for (String[] t : TABLES) {
            String q = "SELECT count(*), sum(" + t[1] + ") FROM " + t[0];
            List<Object> expected = pgRow(pg, q);
            List<Object> got = rhei.query(q).rows().get(0);
            boolean ok = ((Number) expected.get(0)).longValue() == ((Number) got.get(0)).longValue()
                    && new java.math.BigDecimal(expected.get(1).toString()).compareTo(new java.math.BigDecimal(got.get(1).toString())) == 0;
            all &= ok;
            out.printf(Locale.ROOT, "%-14s %8s / %-18s %8s / %-18s %s%n", t[0], expected.get(0), expected.get(1), got.get(0), got.get(1),
                    ok ? "yes" : "NO");
        }
        return all;
    }

    private static List<Object> pgRow(EmbeddedPostgresServer pg, String sql) {
        try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return List.of(rs.getObject(1), rs.getObject(2));
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " in PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static Connection connect(EmbeddedPostgresServer pg) {
        try {
            return pg.connect();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    static Duration parseDuration(String s) {
        String v = s.strip().toLowerCase(Locale.ROOT);
        long n = Long.parseLong(v.replaceAll("[a-z]+$", ""));
        return switch (v.replaceAll("^[0-9]+", "")) {
            case "", "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "ms" -> Duration.ofMillis(n);
            default -> throw new IllegalArgumentException("--duration: use e.g. 30s, 5m or 1h, got '" + s + "'");
        };
    }
}
