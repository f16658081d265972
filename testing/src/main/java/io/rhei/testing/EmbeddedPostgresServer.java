package io.rhei.testing;

import io.rhei.core.RheiException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A real PostgreSQL 17 started from the binaries Maven brings (zonky), with {@code wal_level=logical}, on a free
 * loopback port: for tests and {@code rhei demo}, never a pre-installed server. As root, zonky runs the server in
 * a user namespace (PostgreSQL refuses to run as root).
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private final EmbeddedPostgres pg;
    /** The data directory when the caller chose it (null: zonky's throw-away one). */
    private final Path dataDir;

    private EmbeddedPostgresServer(EmbeddedPostgres pg, Path dataDir) {
        this.pg = pg;
        this.dataDir = dataDir;
    }

    /** A fresh server with a throw-away data directory. */
    public static EmbeddedPostgresServer start() {
        return start(null);
    }

    /** A server keeping its data in {@code dataDir} (reused when it exists), or a throw-away one when null. */
    public static EmbeddedPostgresServer start(Path dataDir) {
        return start(dataDir, 0);
    }

    /** Like {@link #start(Path)} on a given port (0: any free one): a restart on the same data and port. */
    public static EmbeddedPostgresServer start(Path dataDir, int port) {
        return start(dataDir, port, true);
    }

    /**
     * Like {@link #start(Path, int)}; with {@code stopOnJvmExit} false the server is stopped only by {@link #close},
     * not also by a JVM shutdown hook, for a program whose own shutdown still uses it (the demo's final check after
     * Ctrl-C: the two hooks ran at once, and PostgreSQL went away under the check).
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port, boolean stopOnJvmExit) {
        long t0 = System.nanoTime();
        try {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setPort(port)
                    // a loaded 2-core machine (CI runs tests and a restarting server side by side) can take longer than 10 s
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    .setOverrideWorkingDirectory(new File(System.getProperty("java.io.tmpdir"), "rhei-embedded-pg"))
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "16")
                    .setServerConfig("max_wal_senders", "16")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setRegisterShutdownHook(stopOnJvmExit);
            if (dataDir != null) {
                b.setDataDirectory(dataDir.toFile()).setCleanDataDirectory(false);
            }
            EmbeddedPostgres pg = b.start();
            LOG.info("embedded PostgreSQL up on 127.0.0.1:{} in {} ms", pg.getPort(), (System.nanoTime() - t0) / 1_000_000);
            return new EmbeddedPostgresServer(pg, dataDir);
        } catch (IOException e) {
            throw new RheiException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    public int port() {
        return pg.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
    }

    /** A connection as the superuser {@code postgres} (no password). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    /**
     * Stops the server. zonky's fast shutdown gives up after 5 s and leaves the server running, which happens on a
     * loaded machine while a replication connection is open; a restart on the same data directory then fails. So
     * when the data directory is known, this waits until the server has really gone (its {@code postmaster.pid}
     * removed), and after 60 s asks for an immediate shutdown (SIGQUIT).
     */
    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warn("stopping the embedded PostgreSQL: {}", e.getMessage());
        }
        if (dataDir != null) {
            awaitGone(dataDir.resolve("postmaster.pid"));
        }
    }

    private static void awaitGone(Path pidFile) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        boolean quitSent = false;
        try {
            while (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
                    return; // a file left by a server that died: nothing runs
                }
                if (System.nanoTime() > deadline) {
                    if (quitSent) {
                        LOG.warn("the embedded PostgreSQL (pid {}) still runs after an immediate shutdown", pid);
                        return;
                    }
                    LOG.warn("the embedded PostgreSQL (pid {}) did not stop within 60 s: immediate shutdown", pid);
                    new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start().waitFor();
                    deadline = System.nanoTime() + 30_000_000_000L;
                    quitSent = true;
                }
                Thread.sleep(100);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("waiting for the embedded PostgreSQL to stop: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
