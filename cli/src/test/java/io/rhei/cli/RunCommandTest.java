package io.rhei.cli;

import io.rhei.testing.SidecarConfig;
import io.rhei.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sidecar against a PostgreSQL it did not start: configured by file, queried by a real client with a password. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void sidecarSyncsAnExistingDatabaseAndServesAuthenticatedQueries() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE accounts (id int8 PRIMARY KEY, owner text, balance numeric(12,2))");
                st.execute("INSERT INTO accounts SELECT g, 'owner ' || g, g * 1.5 FROM generate_series(1, 100) g");
            }
            Path config = dir.resolve("rhei.properties");
            SidecarConfig.of(pg.port(), "run_test", dir.resolve("log")).set("source.tables.include", "public\\.accounts")
                    .set("server.auth", "password").set("server.user", "analyst").set("server.password", "pw-123").writeTo(config);
            RunCommand run = new RunCommand();
            run.config = config;
            ExecutorService exec = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> exit = exec.submit(run);
                long deadline = System.currentTimeMillis() + 90_000;
                while (run.running == null && System.currentTimeMillis() < deadline && !exit.isDone()) {
                    Thread.sleep(100);
                }
                assertTrue(run.running != null, "the sidecar started");
                assertEquals(100, awaitCount(run.running.flightSqlPort(), 100, deadline));
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    st.execute("INSERT INTO accounts SELECT g, 'later', 1 FROM generate_series(101, 150) g");
                    st.execute("DELETE FROM accounts WHERE id <= 10");
                }
                assertEquals(140, awaitCount(run.running.flightSqlPort(), 140, deadline));
                java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
                RheiCommand.Run status = RheiCommand.run(new java.io.PrintStream(buf, true, "UTF-8"), "status", "--metrics", "127.0.0.1:" + run.running.metricsPort());
                String printed = buf.toString("UTF-8");
                assertEquals(0, status.exitCode(), printed + status.errors());
                assertTrue(printed.startsWith("ready") && printed.matches("(?s).*public\\.accounts\\s*\\|\\s*\\d+\\s*\\|\\s*140.*"), printed);
                run.stop.countDown();
                assertEquals(0, exit.get(60, TimeUnit.SECONDS));
            } finally {
                run.stop.countDown();
                exec.shutdownNow();
                try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                    st.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'run_test' AND active_pid IS NOT NULL");
                    Thread.sleep(500);
                    st.execute("SELECT pg_drop_replication_slot('run_test')");
                }
            }
        }
    }

    /** Polls the row count through the Flight SQL JDBC driver, authenticated, until it equals {@code expected}. */
    private static long awaitCount(int port, long expected, long deadline) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "analyst");
        p.setProperty("password", "pw-123");
        long last = -1;
        while (System.currentTimeMillis() < deadline) {
            try (Connection c = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + port + "?useEncryption=false", p);
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM accounts")) {
                rs.next();
                last = rs.getLong(1);
                if (last == expected) {
                    return last;
                }
            } catch (SQLException e) {
                // the table appears once the snapshot is applied
            }
            Thread.sleep(300);
        }
        return last;
    }
}
