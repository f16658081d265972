package io.rhei.bench;

import io.rhei.cli.RheiCommand;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.StorageConfig;
import io.rhei.testing.ChildJvm;
import io.rhei.testing.LocalResources;
import io.rhei.testing.TpchDataset;
import org.apache.arrow.memory.RootAllocator;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Query replicas (issue 20): TPC-H at a scale factor written once to local Vortex, then 1, 2 and 4 {@code rhei serve}
 * processes over it, each queried through the PostgreSQL protocol by two client connections running TPC-H Q6 and Q1
 * in turn for a fixed time. Reports queries/s in all and per replica. This machine has 2 cores: replicas share them,
 * so the total cannot grow past what 2 cores do; on separate machines each replica would have its own.
 */
final class ReplicaBenchmark {
    private static final int CLIENTS_PER_REPLICA = 2;
    private final Report report;
    private final double scaleFactor;
    private final int seconds;

    ReplicaBenchmark(Report report, double scaleFactor, int seconds) {
        this.report = report;
        this.scaleFactor = scaleFactor;
        this.seconds = seconds;
    }

    void run() throws Exception {
        report.section(String.format(Locale.ROOT, "Query replicas: TPC-H SF %s in local Vortex, rhei serve x 1, 2, 4 (child JVMs, -Xmx%s), "
                + "%d clients each running Q6 and Q1 in turn for %d s", scaleFactor, SidecarJvm.DEFAULT_HEAP, CLIENTS_PER_REPLICA, seconds));
        Path dir = Files.createTempDirectory("rhei-bench-replicas");
        try {
            Path tables = dir.resolve("tables");
            try (RootAllocator root = new RootAllocator();
                 DataFusionOlapEngine writer = new DataFusionOlapEngine(StorageConfig.defaults().withUri(tables.toString()).open(root),
                         NativeQueryOptions.defaults())) {
                long t0 = System.nanoTime();
                long rows = new TpchDataset(scaleFactor).load(writer, 200_000);
                report.line(String.format(Locale.ROOT, "wrote %,d rows to %s in %.1f s", rows, tables, (System.nanoTime() - t0) / 1e9));
            }
            double single = 0;
            for (int replicas : new int[] {1, 2, 4}) {
                double qps = measure(dir, tables, replicas);
                if (replicas == 1) {
                    single = qps;
                }
                report.ratio(replicas + " replica" + (replicas == 1 ? "" : "s") + ", queries/s", qps, "q/s", "1 replica", single, qps / single,
                        "info", true);
                report.line(String.format(Locale.ROOT, "   per replica: %.1f queries/s", qps / replicas));
            }
        } finally {
            LocalResources.deleteTree(dir);
        }
    }

    private double measure(Path dir, Path tables, int replicas) throws Exception {
        List<Process> processes = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 0; i < replicas; i++) {
                int pgPort = LocalResources.freePort();
                Path config = dir.resolve("replica-" + replicas + "-" + i + ".properties");
                Files.writeString(config, "storage.uri=" + tables.toString().replace("\\", "\\\\") + "\nserver.port=0\nserver.pg-port=" + pgPort
                        + "\nserver.auth=none\nmetrics.port=0\n");
                processes.add(ChildJvm.of(RheiCommand.class).jvmFlags(SidecarJvm.flags(SidecarJvm.DEFAULT_HEAP)).args("serve", "--config", config.toString())
                        .output(dir.resolve("replica-" + replicas + "-" + i + ".log")).start());
                ports.add(pgPort);
            }
            for (int i = 0; i < replicas; i++) {
                awaitListening(ports.get(i), processes.get(i), dir.resolve("replica-" + replicas + "-" + i + ".log"));
            }
            AtomicBoolean measuring = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong queries = new AtomicLong();
            List<Thread> clients = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch warm = new java.util.concurrent.CountDownLatch(ports.size() * CLIENTS_PER_REPLICA);
            for (int port : ports) {
                for (int c = 0; c < CLIENTS_PER_REPLICA; c++) {
                    Thread t = new Thread(() -> {
                        try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/rhei?user=rhei&sslmode=disable");
                             Statement st = conn.createStatement()) {
                            for (int q = 0; !stop.get(); q++) {
                                try (ResultSet rs = st.executeQuery(TpchDataset.query(q % 2 == 0 ? 6 : 1))) {
                                    while (rs.next()) {
                                        rs.getObject(1);
                                    }
                                }
                                if (measuring.get()) {
                                    queries.incrementAndGet();
                                }
                                if (q == 1) {
                                    warm.countDown(); // both queries planned and run once: the replica is warm
                                }
                            }
                        } catch (Exception e) {
                            failures.add(e);
                            warm.countDown();
                        }
                    }, "client-" + port + "-" + c);
                    clients.add(t);
                    t.start();
                }
            }
            if (!warm.await(300, java.util.concurrent.TimeUnit.SECONDS)) { // warm-up: every client has run both queries once
                throw new IllegalStateException("the replicas did not answer both queries within 300 s");
            }
            measuring.set(true);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            measuring.set(false);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            for (Thread t : clients) {
                t.join(60_000);
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a client failed: " + failures.get(0).getMessage(), failures.get(0));
            }
            return queries.get() / elapsed;
        } finally {
            for (Process p : processes) {
                p.destroy();
                p.waitFor();
            }
        }
    }

    private static void awaitListening(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("rhei serve exited with " + p.exitValue() + ": " + String.join("\n", Files.readAllLines(log)));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("rhei serve did not listen on " + port + " within 120 s");
    }
}
