package io.rhei.cli;

import io.rhei.testing.LocalResources;
import io.rhei.testing.SidecarConfig;
import io.rhei.testing.ChildJvm;
import io.rhei.core.log.LogReader;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.SourcePosition;
import io.rhei.log.kafka.KafkaChangeLog;
import io.rhei.log.kafka.KafkaLogConfig;
import io.rhei.testing.KafkaTestBroker;
import io.rhei.testing.ShopWorkload;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole sidecar ({@code rhei run}, durable Vortex storage) killed with SIGKILL 20 times at random moments —
 * during the initial snapshot, while streaming, mid storage commit, mid compaction — and restarted each time,
 * while the shop workload keeps writing. Afterwards every table equals PostgreSQL's, compared with a checksum over
 * all rows.
 */
class SidecarCrashTest {
    private static final Logger LOG = LoggerFactory.getLogger(SidecarCrashTest.class);
    private static final int KILLS = 20;
    private static final Map<String, String> TABLES = TableChecksums.SHOP_TABLES;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the log and tables to inspect
    Path dir;
    private Path currentLog;

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).length() > 160 ? lines.get(i).substring(0, 160) : lines.get(i);
                }
            }
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
        return "(nothing logged yet)";
    }

    @Test
    void sigkilledTwentyTimesTheSidecarEndsWithPostgresStateTableByTable() throws Exception {
        crashLoop(KILLS, Map.of(), null);
    }

    /**
     * The same with the change log on Kafka (issue 20): the sidecar SIGKILLed 10 times and the broker killed and
     * restarted once mid-stream. The tables end equal to PostgreSQL's, and the topic holds every change once: gap-free
     * sequence numbers (the reader checks them) and source positions that only ever grow.
     */
    @Test
    void withTheLogOnKafkaSigkilledTenTimesAndTheBrokerRestartedTheSidecarEndsWithPostgresState() throws Exception {
        try (KafkaTestBroker broker = KafkaTestBroker.start(dir.resolve("kafka"))) {
            crashLoop(10, Map.of("log.type", "kafka", "log.kafka.bootstrap-servers", broker.bootstrapServers(), "log.kafka.topic", "shop-changes",
                    "log.kafka.timeout", "20s"), broker);
            try (KafkaChangeLog log = KafkaChangeLog.open(KafkaLogConfig.of(broker.bootstrapServers(), "shop-changes"));
                 LogReader reader = log.openReader(1)) {
                List<LogRecord> got = new ArrayList<>();
                SourcePosition previous = SourcePosition.NONE;
                long records = 0;
                while (records < log.lastSeq()) {
                    got.clear();
                    assertTrue(reader.poll(got, 10_000, Duration.ofSeconds(10)) > 0, "the topic's reader stalled at " + reader.nextSeq());
                    for (LogRecord r : got) {
                        assertTrue(r.position().isAfter(previous), "record " + r.seq() + " at " + r.position() + " after " + previous);
                        previous = r.position();
                        records++;
                    }
                }
                LOG.info("the Kafka topic holds {} records, gap-free, each source position once", records);
            }
        }
    }

    private void crashLoop(int killCount, Map<String, String> logKeys, KafkaTestBroker broker) throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                ShopWorkload.createSchema(c, 30_000, 500); // a snapshot that takes a moment
                st.execute("CREATE TABLE marker (id int4 PRIMARY KEY)");
            }
            int flightPort = LocalResources.freePort();
            Path config = dir.resolve("rhei.properties");
            SidecarConfig sidecarConfig = SidecarConfig.of(pg.port(), "crash_sidecar", dir.resolve("log")).set("storage.uri", dir.resolve("tables"))
                    .set("storage.compaction.max-files", 4).set("storage.gc.grace", "0s").set("server.port", flightPort);
            logKeys.forEach(sidecarConfig::set);
            sidecarConfig.writeTo(config);
            ShopWorkload workload = new ShopWorkload(() -> connect(pg), 150);
            Thread writer = new Thread(workload, "shop-workload");
            Random rnd = new Random(7);
            Process sidecar = start(config);
            try {
                writer.start();
                int kills = 0;
                while (kills < killCount) {
                    if (broker != null && kills == killCount / 2) {
                        LOG.info("killing the Kafka broker mid-stream, and starting it again in 2 s");
                        broker.kill();
                        Thread.sleep(2_000);
                        broker.restart();
                    }
                    Thread.sleep(kills == 0 ? 1500 + rnd.nextInt(1500) : 2500 + rnd.nextInt(3000));
                    if (!sidecar.isAlive()) {
                        LOG.warn("the sidecar exited by itself (code {}); starting it again", sidecar.exitValue());
                    } else {
                        String lastWords = lastLine(currentLog);
                        sidecar.destroyForcibly(); // SIGKILL
                        sidecar.waitFor(30, TimeUnit.SECONDS);
                        kills++;
                        LOG.info("SIGKILL {} of {}; the workload has committed {} transactions; the sidecar's last log line: {}", kills, killCount,
                                workload.committed(), lastWords);
                    }
                    sidecar = start(config);
                }
                workload.stop();
                writer.join();
                assertEquals(null, workload.failure());
                // the initial snapshot is resumable: it comes in chunks beside the stream, so it must have ended first
                Path snapshotState = dir.resolve("log").resolve("cdc-offsets.dat.initial-snapshot");
                awaitOrExplain("the initial snapshot to end", () -> Files.readString(snapshotState).contains("state=done"));
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    st.execute("INSERT INTO marker VALUES (1)"); // committed after everything else
                }
                awaitOrExplain("the marker row to be queryable", () -> markerSeen(flightPort));
            } finally {
                workload.stop();
                sidecar.destroy(); // SIGTERM: a clean stop
                sidecar.waitFor(60, TimeUnit.SECONDS);
                if (sidecar.isAlive()) {
                    sidecar.destroyForcibly();
                }
            }
            try (RootAllocator root = new RootAllocator();
                 DataFusionOlapEngine rhei = new DataFusionOlapEngine(StorageConfig.defaults().withUri(dir.resolve("tables").toString())
                         .openReadOnly(root), NativeQueryOptions.defaults());
                 Connection c = pg.connect()) {
                for (Map.Entry<String, String> t : TABLES.entrySet()) {
                    int rows = TableChecksums.assertSame(c, rhei, root, t.getKey(), t.getValue());
                    assertTrue(rows > 0, t.getKey() + " has rows");
                    LOG.info("{}: {} rows, the same checksum on both sides", t.getKey(), rows);
                }
            } finally {
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    st.execute("SELECT pg_drop_replication_slot('crash_sidecar') WHERE EXISTS (SELECT 1 FROM pg_replication_slots "
                            + "WHERE slot_name = 'crash_sidecar' AND NOT active)");
                }
            }
        }
    }

    /** Waits up to 3 minutes; a timeout names what did not happen and what the sidecar last logged. */
    private void awaitOrExplain(String what, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("waited 3 minutes for " + what + "; the sidecar's log " + currentLog + " ends with: "
                    + lastLine(currentLog), e);
        }
    }

    private Process start(Path config) throws Exception {
        Path out = Files.createTempFile(dir, "sidecar", ".log");
        currentLog = out;
        return ChildJvm.of(RheiCommand.class).jvmFlags("-Xmx1g").args("run", "--config", config.toString()).output(out).start();
    }

    private static boolean markerSeen(int port) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + port + "?useEncryption=false");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM marker")) {
            return rs.next() && rs.getLong(1) == 1;
        }
    }

    private static Connection connect(EmbeddedPostgresServer pg) {
        try {
            return pg.connect();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
