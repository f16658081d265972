package io.rhei.bench;

import io.rhei.testing.LocalResources;
import io.rhei.testing.ShopWorkload;
import io.rhei.PostgresSource;
import io.rhei.Rhei;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.testing.KafkaTestBroker;
import io.rhei.core.metrics.LatencyHistogram;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end-to-end figures of issue 7, in one run on this machine (which also runs PostgreSQL and the workload):
 * PostgreSQL's commit rate and Rhei's apply rate under a mixed insert/update/delete load, freshness (commit to
 * visible in a query) at a steady rate, a bulk load of 1M rows, analytical queries while syncing, and the
 * sidecar's memory and CPU. Into memory, then into local Vortex files. Run by {@code scripts/bench e2e}.
 */
public final class EndToEndBenchmark {
    private static final PrintStream OUT = System.out;
    private final int steadyRate;
    private final int seconds;
    private final int bulkRows;
    private final int maxChanges;

    private EndToEndBenchmark(int steadyRate, int seconds, int bulkRows, int maxChanges) {
        this.steadyRate = steadyRate;
        this.seconds = seconds;
        this.bulkRows = bulkRows;
        this.maxChanges = maxChanges;
    }

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        int rate = intArg(a, "--rate", 5_000);
        int seconds = intArg(a, "--seconds", 20);
        int bulk = intArg(a, "--bulk", 1_000_000);
        EndToEndBenchmark b = new EndToEndBenchmark(rate, seconds, bulk, intArg(a, "--max-changes", 1_000_000));
        OUT.printf(Locale.ROOT, "Rhei end-to-end benchmark: %d cores, Java %s, max heap %d MiB; steady %,d changes/s for %d s, bulk %,d rows%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, rate,
                seconds, bulk);
        if (a.contains("--kafka")) { // issue 20: the same run with the change log on Kafka, beside Chronicle
            b.run("memory:", false);
            b.run("memory:", true);
        } else {
            for (String storage : a.contains("--memory-only") ? List.of("memory:") : List.of("memory:", "vortex")) {
                b.run(storage, false);
            }
        }
        System.exit(0);
    }

    private static int intArg(List<String> a, String name, int dflt) {
        int i = a.indexOf(name);
        return i >= 0 && i + 1 < a.size() ? Integer.parseInt(a.get(i + 1)) : dflt;
    }

    private void run(String storageMode, boolean kafka) throws Exception {
        Path dir = Files.createTempDirectory("rhei-e2e");
        String storage = storageMode.equals("vortex") ? dir.resolve("tables").toString() : "memory:";
        OUT.println();
        OUT.println("== End to end into " + (storageMode.equals("vortex") ? "local Vortex files" : "memory") + ", change log on "
                + (kafka ? "Kafka (one KRaft broker in a child JVM on this machine)" : "Chronicle Queue"));
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"));
             KafkaTestBroker broker = kafka ? KafkaTestBroker.start(dir.resolve("kafka")) : null) {
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                ShopWorkload.createSchema(c, 2000, 300);
                st.execute("CREATE TABLE ticks (id int8 PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
                st.execute("CREATE TABLE bulk (id int8 PRIMARY KEY, v int8 NOT NULL, note text)");
            }
            try (Rhei p = Rhei.builder().source(PostgresSource.builder().port(pg.port()).user("postgres").slot("rhei_e2e")
                    .tables("public\\..*").set("source.offsets-file", dir.resolve("offsets.dat").toString()).build())
                    .log(dir.resolve("log")).storage(storage).set("log.type", kafka ? "kafka" : "chronicle")
                    .set("log.kafka.bootstrap-servers", kafka ? broker.bootstrapServers() : "").build()) {
                p.start();
                waitUntil(() -> count(p, "products") == 300 && count(p, "customers") == 2000, 120);
                // the bulk snapshot is read before streaming starts: measure once a change made now is seen, so that
                // the figures are the steady state's, not Debezium's start-up
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    st.execute("UPDATE products SET price = price WHERE id = 1");
                    try (java.sql.ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                        rs.next();
                        p.awaitApplied(rs.getString(1), java.time.Duration.ofSeconds(120));
                    }
                }
                steady(pg, p);
                readYourWrites(pg, p);
                maximum(pg, p);
                bulk(pg, p);
            }
        } finally {
            LocalResources.deleteTree(dir);
        }
    }

    /** A steady mixed load; freshness from a tick table; a join query every 100 ms; memory and CPU. */
    private void steady(EmbeddedPostgresServer pg, Rhei p) throws Exception {
        MixedLoad load = new MixedLoad(pg, 25, steadyRate, 1_000_000_000L);
        Ticker ticker = new Ticker(pg);
        LatencyHistogram freshness = new LatencyHistogram();
        LatencyHistogram queries = new LatencyHistogram();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failedQueries = new AtomicLong();
        long[] worst = new long[3]; // latency, tick, ms after the first tick: where in the run the tail is
        Thread watcher = new Thread(() -> {
            long seen = 0;
            while (!stop.get()) {
                long max = count(p, "ticks") < 0 ? 0 : scalar(p, "SELECT coalesce(max(id), 0) FROM ticks");
                long now = System.nanoTime();
                for (long id = seen + 1; id <= max; id++) {
                    Long at = ticker.committedAt.remove(id);
                    if (at != null) {
                        long micros = (now - at) / 1000;
                        freshness.record(micros);
                        if (micros > worst[0]) {
                            worst[0] = micros;
                            worst[1] = id;
                            worst[2] = (at - ticker.startedNanos) / 1_000_000;
                        }
                    }
                }
                seen = Math.max(seen, max);
                // polled every 5 ms, not in a busy loop: a spinning watcher took a core of the two from capture and sync,
                // and measured its own contention
                sleep(5);
            }
        }, "freshness-watcher");
        Thread analyst = new Thread(() -> {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                try {
                    scalar(p, "SELECT count(*) FROM (SELECT c.country, count(*) AS n, sum(o.total) AS revenue FROM orders o "
                            + "JOIN customers c ON c.id = o.customer_id WHERE o.status = 'paid' GROUP BY c.country) t");
                    queries.record((System.nanoTime() - t0) / 1000);
                } catch (RuntimeException e) {
                    failedQueries.incrementAndGet(); // orders appear with the first synced order
                }
                sleep(Math.max(0, 100 - (System.nanoTime() - t0) / 1_000_000));
            }
        }, "analyst");
        DecodingLatencyProbe baseline = new DecodingLatencyProbe(pg);
        long cpu0 = processCpuNanos();
        long applied0 = metric(p, "rhei_events_applied_total");
        long t0 = System.nanoTime();
        Thread[] threads = {new Thread(load, "mixed-load"), new Thread(ticker, "ticker"), watcher, analyst};
        threads[0].start();
        // the load first, for 2 s: its 25 connections opening at once held decoding back ~1.5 s, which the first ticks
        // measured; the ticks measure the steady state from then on
        Thread.sleep(2000);
        for (int i = 1; i < threads.length; i++) {
            threads[i].start();
        }
        long peakRss = 0;
        long peakArrow = 0;
        for (int s = 0; s < seconds * 10; s++) {
            Thread.sleep(100);
            peakRss = Math.max(peakRss, rssBytes());
            peakArrow = Math.max(peakArrow, metric(p, "rhei_arrow_allocated_bytes"));
        }
        load.stop.set(true);
        ticker.stop.set(true);
        threads[0].join();
        threads[1].join();
        double wall = (System.nanoTime() - t0) / 1e9;
        long cpu = processCpuNanos() - cpu0;
        waitUntil(() -> ticker.committedAt.isEmpty(), 60);
        stop.set(true);
        threads[2].join();
        threads[3].join();
        baseline.close();
        long applied = metric(p, "rhei_events_applied_total") - applied0;
        OUT.printf(Locale.ROOT, "   steady load: PostgreSQL committed %,d row changes in %.1f s (%,.0f changes/s); Rhei applied %,.0f events/s%n",
                load.changes.get(), wall, load.changes.get() / wall, applied / wall);
        report("freshness p99 at the steady rate", freshness.percentile(99) / 1000.0, "ms", "< 1,000 ms",
                freshness.percentile(99) < 1_000_000);
        OUT.printf(Locale.ROOT, "   freshness (commit -> visible in a query), %,d ticks: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                freshness.count(), freshness.percentile(50) / 1000.0, freshness.percentile(99) / 1000.0, freshness.max() / 1000.0);
        OUT.printf(Locale.ROOT, "   the slowest tick: %d ms, tick %d, committed %.1f s after the first%n", worst[0] / 1000, worst[1], worst[2] / 1000.0);
        OUT.printf(Locale.ROOT, "   baseline: PostgreSQL's own decoding to a client in the same run (a second slot, test_decoding, read by pgjdbc), "
                + "commit -> received: p50 %.0f ms, p99 %.0f ms (%,d commits)%n", baseline.latency().percentile(50) / 1000.0,
                baseline.latency().percentile(99) / 1000.0, baseline.latency().count());
        OUT.printf(Locale.ROOT, "   where the time goes (commit -> each stage, p50 / p99 ms): received from Debezium %.0f / %.0f, durable in the log "
                        + "%.0f / %.0f, applied %.0f / %.0f, visible in a query %.0f / %.0f; per batch: log append %.1f / %.1f, table apply %.1f / %.1f%n",
                stage(p, "stage", "received", "0.50"), stage(p, "stage", "received", "0.99"), stage(p, "stage", "durable", "0.50"),
                stage(p, "stage", "durable", "0.99"), stage(p, "stage", "applied", "0.50"), stage(p, "stage", "applied", "0.99"),
                freshness.percentile(50) / 1000.0, freshness.percentile(99) / 1000.0, stage(p, "step", "log_append", "0.50"),
                stage(p, "step", "log_append", "0.99"), stage(p, "step", "table_apply", "0.50"), stage(p, "step", "table_apply", "0.99"));
        OUT.printf(Locale.ROOT, "   analytical join query every 100 ms while syncing, %,d runs: p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                + " (%d before the table existed)%n", queries.count(), queries.percentile(50) / 1000.0, queries.percentile(99) / 1000.0,
                queries.max() / 1000.0, failedQueries.get());
        OUT.printf(Locale.ROOT, "   sidecar process: CPU %.2f cores (includes the load generator's JDBC threads), peak RSS %,d MB, "
                + "peak Arrow memory %,d MB, heap used %,d MB%n", cpu / 1e9 / wall, peakRss >> 20, peakArrow >> 20,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
    }

    /**
     * Read-your-writes: a commit, {@code awaitApplied} with the LSN after it, and a query that must see it; beside it,
     * the same commit and read on PostgreSQL itself, measured in the same rounds. Each round's commit has the smallest
     * id so far, so the query sees it exactly when min(id) is that id.
     */
    private void readYourWrites(EmbeddedPostgresServer pg, Rhei p) throws Exception {
        int rounds = 300;
        LatencyHistogram viaRhei = new LatencyHistogram();
        LatencyHistogram viaPostgres = new LatencyHistogram();
        try (Connection c = pg.connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO ticks (id) VALUES (?)");
             PreparedStatement read = c.prepareStatement("SELECT count(*) FROM ticks WHERE id = ?"); Statement st = c.createStatement()) {
            for (int i = 0; i < rounds; i++) {
                long onPostgres = -10 - 2L * i;
                long t0 = System.nanoTime();
                insert.setLong(1, onPostgres);
                insert.executeUpdate();
                read.setLong(1, onPostgres);
                try (java.sql.ResultSet rs = read.executeQuery()) {
                    rs.next();
                }
                viaPostgres.record((System.nanoTime() - t0) / 1000);
                long onRhei = onPostgres - 1;
                long t1 = System.nanoTime();
                insert.setLong(1, onRhei);
                insert.executeUpdate();
                String lsn;
                try (java.sql.ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    lsn = rs.getString(1);
                }
                p.awaitApplied(lsn, java.time.Duration.ofSeconds(10));
                // one query text, as a dashboard runs it: its plan is reused (planning a new text costs 10-100 ms, issue 21)
                if (scalar(p, "SELECT min(id) FROM ticks") != onRhei) {
                    throw new IllegalStateException("read-your-writes: the query after awaitApplied(" + lsn + ") did not see tick " + onRhei);
                }
                viaRhei.record((System.nanoTime() - t1) / 1000);
            }
        }
        OUT.printf(Locale.ROOT, "   read-your-writes, %d rounds of commit -> awaitApplied -> query (each saw its commit): p50 %.1f ms, p99 %.1f ms%n",
                rounds, viaRhei.percentile(50) / 1000.0, viaRhei.percentile(99) / 1000.0);
        OUT.printf(Locale.ROOT, "   %-44s p50 %.1f ms, p99 %.1f ms; Rhei/PostgreSQL p50 ratio %.0fx%n", "baseline: the same commit and read on PostgreSQL",
                viaPostgres.percentile(50) / 1000.0, viaPostgres.percentile(99) / 1000.0,
                (double) viaRhei.percentile(50) / Math.max(1, viaPostgres.percentile(50)));
    }

    /** As fast as PostgreSQL commits: does the sync keep up, and how long does the backlog take to drain? */
    private void maximum(EmbeddedPostgresServer pg, Rhei p) throws Exception {
        MixedLoad load = new MixedLoad(pg, 400, Integer.MAX_VALUE, 2_000_000_000L);
        long applied0 = metric(p, "rhei_events_applied_total");
        long t0 = System.nanoTime();
        Thread t = new Thread(load, "mixed-load-max");
        t.start();
        while (load.changes.get() < maxChanges && t.isAlive()) {
            Thread.sleep(5);
        }
        load.stop.set(true);
        t.join();
        double commitSeconds = (System.nanoTime() - t0) / 1e9;
        // a marker committed after the load: once a query sees it, every change before it has been applied
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO ticks (id) VALUES (-1)");
        }
        waitUntil(() -> scalar(p, "SELECT count(*) FROM ticks WHERE id = -1") == 1, 600);
        double allSeconds = (System.nanoTime() - t0) / 1e9;
        long applied = metric(p, "rhei_events_applied_total") - applied0;
        double commitRate = load.changes.get() / commitSeconds;
        double applyRate = applied / allSeconds;
        OUT.printf(Locale.ROOT, "   maximum load: PostgreSQL committed %,d row changes in %.1f s; a query saw all of them %.1f s after the start%n",
                load.changes.get(), commitSeconds, allSeconds);
        report("apply rate (commit start -> all applied)", applyRate, "changes/s", ">= 20,000", applyRate >= 20_000);
        OUT.printf(Locale.ROOT, "   %-44s %,12.0f changes/s; apply/commit ratio %.2f%n", "PostgreSQL commit rate", commitRate, applyRate / commitRate);
    }

    /** One statement inserting {@code bulkRows} rows: how long until a query sees all of them? */
    private void bulk(EmbeddedPostgresServer pg, Rhei p) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO bulk SELECT g, g * 7, 'bulk row ' || g FROM generate_series(1, " + bulkRows + ") g");
        }
        double committed = (System.nanoTime() - t0) / 1e9;
        long c0 = System.nanoTime();
        long log0 = metric(p, "rhei_log_end_seq");
        long applied0 = metric(p, "rhei_events_applied_total");
        Thread progress = new Thread(() -> {
            long lastLog = log0;
            long lastApplied = applied0;
            while (!Thread.currentThread().isInterrupted()) {
                sleep(2000);
                long l = metric(p, "rhei_log_end_seq");
                long a = metric(p, "rhei_events_applied_total");
                OUT.printf(Locale.ROOT, "      +%.0f s: captured %,d/s, applied %,d/s%n", (System.nanoTime() - c0) / 1e9, (l - lastLog) / 2, (a - lastApplied) / 2);
                lastLog = l;
                lastApplied = a;
            }
        });
        progress.setDaemon(true);
        progress.start();
        waitUntil(() -> count(p, "bulk") == bulkRows, 600);
        progress.interrupt();
        double visible = (System.nanoTime() - c0) / 1e9;
        OUT.printf(Locale.ROOT, "   bulk load: %,d rows committed by PostgreSQL in %.1f s%n", bulkRows, committed);
        report("bulk rows queryable after the commit", visible, "s", "< 60 s", visible < 60);
    }

    private static void report(String name, double value, String unit, String target, boolean met) {
        OUT.printf(Locale.ROOT, "   %-44s %,12.1f %-9s target %s  %s%n", name, value, unit, target, met ? "OK" : "MISSED");
    }

    /** Mixed transactions of about {@code 1.6 * k} row changes: k new orders, k/2 status updates, k/10 deletes. */
    private static final class MixedLoad implements Runnable {
        private final EmbeddedPostgresServer pg;
        private final int k;
        private final int changesPerSecond;
        private final long firstId;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong changes = new AtomicLong();

        MixedLoad(EmbeddedPostgresServer pg, int k, int changesPerSecond, long firstId) {
            this.pg = pg;
            this.k = k;
            this.changesPerSecond = changesPerSecond;
            this.firstId = firstId;
        }

        @Override
        public void run() {
            Random rnd = new Random(k);
            try (Connection c = pg.connect();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO orders (id, customer_id, status, total) "
                         + "SELECT g, 1 + g % 2000, 'new', (g % 1000) / 10.0 FROM generate_series(?::int8, ?::int8) g");
                 PreparedStatement update = c.prepareStatement("UPDATE orders SET status = 'paid' WHERE id = ANY(?)");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM orders WHERE id = ANY(?)")) {
                c.setAutoCommit(false);
                long next = firstId;
                long start = System.nanoTime();
                long done = 0;
                while (!stop.get()) {
                    if (changesPerSecond != Integer.MAX_VALUE) {
                        long due = start + done * 1_000_000_000L / changesPerSecond;
                        sleep((due - System.nanoTime()) / 1_000_000);
                    }
                    insert.setLong(1, next);
                    insert.setLong(2, next + k - 1);
                    int n = insert.executeUpdate();
                    Long[] ups = new Long[k / 2];
                    for (int i = 0; i < ups.length; i++) {
                        ups[i] = next + rnd.nextInt(k);
                    }
                    update.setArray(1, c.createArrayOf("int8", ups));
                    n += update.executeUpdate();
                    Long[] dels = new Long[Math.max(1, k / 10)];
                    for (int i = 0; i < dels.length; i++) {
                        dels[i] = next - k + rnd.nextInt(k); // from the previous transaction's orders
                    }
                    delete.setArray(1, c.createArrayOf("int8", dels));
                    n += delete.executeUpdate();
                    c.commit();
                    next += k;
                    done += n;
                    changes.addAndGet(n);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("load failed: " + e.getMessage(), e);
            }
        }
    }

    /** Commits one tick every 20 ms and remembers when each commit returned. */
    private static final class Ticker implements Runnable {
        private final EmbeddedPostgresServer pg;
        final AtomicBoolean stop = new AtomicBoolean();
        final ConcurrentHashMap<Long, Long> committedAt = new ConcurrentHashMap<>();
        volatile long startedNanos;

        Ticker(EmbeddedPostgresServer pg) {
            this.pg = pg;
        }

        @Override
        public void run() {
            try (Connection c = pg.connect(); PreparedStatement st = c.prepareStatement("INSERT INTO ticks (id) VALUES (?)")) {
                startedNanos = System.nanoTime();
                for (long id = 1; !stop.get(); id++) {
                    st.setLong(1, id);
                    st.executeUpdate();
                    committedAt.put(id, System.nanoTime());
                    sleep(20);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("ticker failed: " + e.getMessage(), e);
            }
        }
    }

    private static long count(Rhei p, String table) {
        try {
            return scalar(p, "SELECT count(*) FROM " + table);
        } catch (RuntimeException e) {
            return -1; // the table appears once its snapshot is applied
        }
    }

    private static long scalarOrZero(Rhei p, String sql) {
        try {
            return scalar(p, sql);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static long scalar(Rhei p, String sql) {
        Object v = p.query(sql).rows().get(0).get(0);
        return ((Number) v).longValue();
    }

    /** One of Rhei's figures (as /metrics names them). */
    /** A stage's latency or a step's duration from /metrics, in milliseconds. */
    private static double stage(Rhei p, String label, String value, String quantile) {
        return p.metrics().stream().filter(m -> value.equals(m.labels().get(label)) && quantile.equals(m.labels().get("quantile")))
                .findFirst().map(m -> m.value() * 1000).orElseThrow(() -> new IllegalStateException("no metric for " + label + " " + value));
    }

    private static long metric(Rhei p, String name) {
        return p.metrics().stream().filter(m -> m.name().equals(name)).findFirst().map(m -> (long) m.value())
                .orElseThrow(() -> new IllegalStateException("no metric " + name));
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Check check, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not there yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + seconds + " s");
            }
            Thread.sleep(20);
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
