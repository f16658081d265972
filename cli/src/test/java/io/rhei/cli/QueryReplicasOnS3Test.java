package io.rhei.cli;

import io.rhei.testing.ChildJvm;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.testing.LocalResources;
import io.rhei.testing.S3TestServer;
import io.rhei.testing.ShopWorkload;
import io.rhei.testing.SidecarConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20's replicas on a real S3-compatible server (s3proxy on 127.0.0.1): {@code rhei run} writes its tables to S3
 * under the shop workload while a counter table is bumped in PostgreSQL, and three {@code rhei serve} processes query
 * them in a loop through the PostgreSQL protocol. No replica ever shows a row older than it showed before, each ends
 * equal to PostgreSQL, and each reports its lag.
 */
class QueryReplicasOnS3Test {
    private static final Logger LOG = LoggerFactory.getLogger(QueryReplicasOnS3Test.class);
    private static final int REPLICAS = 3;
    private static final int COUNTERS = 20;

    @TempDir
    Path dir;

    @Test
    void threeReplicasFollowAWriterUnderTheShopWorkloadAndNeverGoBack() throws Exception {
        try (S3TestServer s3 = S3TestServer.start(Files.createDirectories(dir.resolve("s3")), 0, "lake");
             EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                ShopWorkload.createSchema(c, 2_000, 200);
                st.execute("CREATE TABLE counters (id int4 PRIMARY KEY, v int8 NOT NULL)");
                st.execute("INSERT INTO counters SELECT g, 0 FROM generate_series(1, " + COUNTERS + ") g");
            }
            String storage = "s3://lake/tables";
            RunCommand run = new RunCommand();
            run.config = SidecarConfig.of(pg.port(), "replicas", dir.resolve("log")).set("storage.uri", storage)
                    .set("storage.s3.endpoint", s3.endpoint()).writeTo(dir.resolve("writer.properties"));
            ExecutorService writerThread = Executors.newSingleThreadExecutor();
            Future<Integer> writer = writerThread.submit(run);
            List<Process> replicas = new ArrayList<>();
            try {
                await().atMost(java.time.Duration.ofSeconds(120)).pollInterval(java.time.Duration.ofMillis(300)).ignoreExceptions()
                        .until(() -> !writer.isDone() && run.running != null && run.running.health().isHealthy());
                List<Integer> pgPorts = new ArrayList<>();
                List<Integer> metricsPorts = new ArrayList<>();
                for (int i = 0; i < REPLICAS; i++) {
                    int pgPort = LocalResources.freePort();
                    int metricsPort = LocalResources.freePort();
                    Path config = dir.resolve("replica-" + i + ".properties");
                    Files.writeString(config, "storage.uri=" + storage + "\nstorage.s3.endpoint=" + s3.endpoint() + "\nserver.port=0\nserver.pg-port="
                            + pgPort + "\nserver.auth=none\nmetrics.port=" + metricsPort + "\nreplica.refresh-interval=200ms\n");
                    replicas.add(ChildJvm.of(RheiCommand.class).jvmFlags("-Xmx512m", "-Daws.accessKeyId=" + S3TestServer.ACCESS_KEY,
                                    "-Daws.secretAccessKey=" + S3TestServer.SECRET_KEY, "-Daws.region=us-east-1")
                            .args("serve", "--config", config.toString()).output(dir.resolve("replica-" + i + ".log")).start());
                    pgPorts.add(pgPort);
                    metricsPorts.add(metricsPort);
                }
                for (int i = 0; i < REPLICAS; i++) {
                    awaitListening(pgPorts.get(i), replicas.get(i), dir.resolve("replica-" + i + ".log"));
                }
                ShopWorkload shop = new ShopWorkload(() -> connect(pg), 100);
                Thread shopThread = new Thread(shop, "shop-workload");
                AtomicBoolean stop = new AtomicBoolean();
                Thread bumper = new Thread(() -> {
                    try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                        while (!stop.get()) {
                            st.execute("UPDATE counters SET v = v + 1");
                            Thread.sleep(50);
                        }
                    } catch (SQLException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, "counter-bumper");
                shopThread.start();
                bumper.start();
                List<Thread> clients = new ArrayList<>();
                List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                long[] answers = new long[REPLICAS];
                for (int i = 0; i < REPLICAS; i++) {
                    int replica = i;
                    Thread t = new Thread(() -> {
                        Map<Integer, Long> seen = new HashMap<>();
                        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPorts.get(replica)
                                + "/rhei?user=rhei&sslmode=disable"); Statement st = c.createStatement()) {
                            while (!stop.get()) {
                                try (ResultSet rs = st.executeQuery("SELECT id, v FROM counters")) {
                                    while (rs.next()) {
                                        long before = seen.getOrDefault(rs.getInt(1), 0L);
                                        assertTrue(rs.getLong(2) >= before, "replica " + replica + ": counter " + rs.getInt(1) + " went back from "
                                                + before + " to " + rs.getLong(2));
                                        seen.put(rs.getInt(1), rs.getLong(2));
                                    }
                                }
                                answers[replica]++;
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }, "replica-client-" + i);
                    clients.add(t);
                    t.start();
                }
                Thread.sleep(20_000);
                stop.set(true);
                shop.stop();
                shopThread.join();
                bumper.join();
                for (Thread t : clients) {
                    t.join(60_000);
                }
                if (!failures.isEmpty()) {
                    throw new AssertionError("a replica client failed", failures.get(0));
                }
                assertEquals(null, shop.failure());
                long finalValue;
                try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT min(v), max(v) FROM counters")) {
                    rs.next();
                    finalValue = rs.getLong(1);
                    assertEquals(finalValue, rs.getLong(2));
                }
                for (int i = 0; i < REPLICAS; i++) {
                    int port = pgPorts.get(i);
                    await().atMost(java.time.Duration.ofSeconds(120)).pollInterval(java.time.Duration.ofMillis(300)).ignoreExceptions().until(() -> {
                        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/rhei?user=rhei&sslmode=disable");
                             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT min(v), max(v), count(*) FROM counters")) {
                            rs.next();
                            return rs.getLong(1) == finalValue && rs.getLong(2) == finalValue && rs.getLong(3) == COUNTERS;
                        }
                    });
                    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPorts.get(i)
                            + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                    String p99 = metrics.lines().filter(l -> l.startsWith("rhei_replica_lag_seconds{quantile=\"0.99\"}")).findFirst().orElseThrow();
                    LOG.info("replica {}: {} answers, caught up at counter {}; {}", i, answers[i], finalValue, p99);
                    assertTrue(answers[i] > 20, "replica " + i + " answered " + answers[i] + " times");
                }
            } finally {
                for (Process p : replicas) {
                    p.destroy();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
                run.stop.countDown();
                writer.get(120, TimeUnit.SECONDS);
                writerThread.shutdown();
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    st.execute("SELECT pg_drop_replication_slot('replicas') WHERE EXISTS (SELECT 1 FROM pg_replication_slots "
                            + "WHERE slot_name = 'replicas' AND NOT active)");
                }
            }
        }
    }

    private static void awaitListening(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("rhei serve exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("rhei serve did not listen on " + port + " within 120 s: " + Files.readString(log));
    }

    private static Connection connect(EmbeddedPostgresServer pg) {
        try {
            return pg.connect();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
