package io.rhei.cli;

import io.rhei.testing.LocalResources;
import io.rhei.testing.SidecarConfig;
import io.rhei.testing.ChildJvm;
import io.rhei.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One transaction of 1M rows through a sidecar whose heap is capped at 512 MB: capture, log, sync and Vortex
 * storage never hold the whole transaction, so it flows through and nothing is lost.
 */
class LargeTransactionTest {
    private static final Logger LOG = LoggerFactory.getLogger(LargeTransactionTest.class);
    private static final int ROWS = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void aMillionRowTransactionFlowsThroughA512MbHeap() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE big (id int8 PRIMARY KEY, v int8 NOT NULL, note text NOT NULL)");
                st.execute("INSERT INTO big VALUES (0, 0, 'before')");
            }
            int port = LocalResources.freePort();
            Path config = dir.resolve("rhei.properties");
            SidecarConfig.of(pg.port(), "big_tx", dir.resolve("log")).set("source.tables.include", "public\\.big")
                    .set("storage.uri", dir.resolve("tables")).set("server.port", port).writeTo(config);
            Process sidecar = ChildJvm.of(RheiCommand.class).jvmFlags("-Xmx512m", "-XX:+ExitOnOutOfMemoryError")
                    .args("run", "--config", config.toString()).output(dir.resolve("sidecar.log")).start();
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> count(port) == 1);
                long t0 = System.nanoTime();
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    st.execute("INSERT INTO big SELECT g, g * 3, 'row ' || g || repeat('x', 40) FROM generate_series(1, " + ROWS + ") g");
                }
                await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> {
                            assertTrue(sidecar.isAlive(), "the sidecar died (out of memory?); see " + dir.resolve("sidecar.log"));
                            return count(port) == ROWS + 1;
                        });
                LOG.info("1M-row transaction queryable {} s after its commit; sidecar peak RSS {} MB", (System.nanoTime() - t0) / 1_000_000_000L,
                        peakRssMb(sidecar.pid()));
                try (Connection c = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + port + "?useEncryption=false");
                     Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT sum(v), count(DISTINCT id) FROM big")) {
                    assertTrue(rs.next());
                    assertEquals(3L * ROWS * (ROWS + 1) / 2, rs.getLong(1), "sum over every row");
                    assertEquals(ROWS + 1, rs.getLong(2));
                }
                assertTrue(sidecar.isAlive(), "the sidecar is still running");
            } finally {
                sidecar.destroy();
                sidecar.waitFor(60, TimeUnit.SECONDS);
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    Thread.sleep(500);
                    st.execute("SELECT pg_drop_replication_slot('big_tx') WHERE EXISTS (SELECT 1 FROM pg_replication_slots "
                            + "WHERE slot_name = 'big_tx' AND NOT active)");
                }
            }
        }
    }

    private static long count(int port) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + port + "?useEncryption=false");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM big")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
