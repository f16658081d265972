package io.rhei.cli;

import io.rhei.testing.LocalResources;
import io.rhei.testing.SidecarConfig;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.testing.S3TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sidecar ({@code rhei run}, in this JVM) while what it depends on goes away mid-stream and comes back:
 * PostgreSQL restarted; the S3 server stopped and restarted while tables are being committed to it. It keeps
 * serving queries, resumes by itself, and ends with PostgreSQL's state (checksum over all rows).
 */
class SidecarFaultsTest {
    private static final Logger LOG = LoggerFactory.getLogger(SidecarFaultsTest.class);

    @TempDir
    Path dir;

    @Test
    void postgresRestartedMidStream() throws Exception {
        Path pgDir = dir.resolve("pg");
        int pgPort = LocalResources.freePort();
        EmbeddedPostgresServer[] pg = {EmbeddedPostgresServer.start(pgDir, pgPort)};
        try {
            schema(pg[0]);
            RunCommand run = new RunCommand();
            run.config = config(pgPort, "memory:", null, "pg_restart");
            try (Sidecar sidecar = new Sidecar(run); Writer writer = new Writer(() -> pg[0])) {
                sidecar.awaitRows("payments", 1);
                Thread.sleep(2000);
                pg[0].close();
                LOG.info("PostgreSQL stopped with {} payments committed", writer.committed.get());
                Thread.sleep(4000);
                pg[0] = EmbeddedPostgresServer.start(pgDir, pgPort);
                LOG.info("PostgreSQL started again");
                Thread.sleep(4000);
                writer.close();
                assertTrue(writer.failedWhileDown.get() > 0, "the writer saw PostgreSQL down");
                finish(pg[0], sidecar);
            }
        } finally {
            dropSlot(pg[0], "pg_restart");
            pg[0].close();
        }
    }

    @Test
    void objectStorageStoppedAndRestartedMidCommit() throws Exception {
        Path s3Dir = Files.createDirectories(dir.resolve("s3"));
        S3TestServer[] s3 = {S3TestServer.start(s3Dir, 0, "lake")};
        int s3Port = s3[0].port();
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            schema(pg);
            RunCommand run = new RunCommand();
            run.config = config(pg.port(), "s3://lake/rhei", s3[0].endpoint(), "s3_restart");
            try (Sidecar sidecar = new Sidecar(run); Writer writer = new Writer(() -> pg)) {
                sidecar.awaitRows("payments", 1);
                Thread.sleep(2000);
                s3[0].close();
                LOG.info("S3 stopped with {} payments committed", writer.committed.get());
                Thread.sleep(5000);
                s3[0] = S3TestServer.start(s3Dir, s3Port, "lake");
                LOG.info("S3 started again");
                Thread.sleep(4000);
                writer.close();
                finish(pg, sidecar);
            } finally {
                dropSlot(pg, "s3_restart");
            }
        } finally {
            s3[0].close();
        }
    }

    @Test
    void logDiskFullStopsCaptureWithAClearMessageAndItResumesWhenSpaceReturns() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        long ballastBytes = 256L << 20;
        assertTrue(free > 2 * ballastBytes, "this test needs " + (2 * ballastBytes >> 20) + " MB free in " + dir + ", has " + (free >> 20));
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            schema(pg);
            RunCommand run = new RunCommand();
            // the log refuses appends below this much free space: a 256 MB file written next to it fills "the disk"
            run.config = config(pg.port(), "memory:", null, "disk_full", "log.min-free-bytes=" + (free - ballastBytes / 2));
            Path ballast = dir.resolve("ballast.bin");
            try (Sidecar sidecar = new Sidecar(run); Writer writer = new Writer(() -> pg)) {
                sidecar.awaitRows("payments", 1);
                fill(ballast, ballastBytes);
                LOG.info("disk filled with {} payments committed", writer.committed.get());
                java.util.concurrent.atomic.AtomicReference<String> stopped = new java.util.concurrent.atomic.AtomicReference<>();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> stopped.updateAndGet(f -> f != null ? f : run.running.health().detail().startsWith("capture stopped")
                                ? run.running.health().detail() : null) != null);
                String message = stopped.get();
                assertTrue(message.contains("change log disk") && message.contains(dir.resolve("disk_full-log").toString()), message);
                Thread.sleep(3000); // PostgreSQL goes on committing; the slot keeps what capture has not taken
                Files.delete(ballast);
                LOG.info("space back with {} payments committed", writer.committed.get());
                Thread.sleep(3000);
                writer.close();
                finish(pg, sidecar);
            } finally {
                Files.deleteIfExists(ballast);
                dropSlot(pg, "disk_full");
            }
        }
    }

    private static void fill(Path file, long bytes) throws java.io.IOException {
        byte[] chunk = new byte[1 << 20];
        new java.util.Random(1).nextBytes(chunk);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                ch.write(java.nio.ByteBuffer.wrap(chunk));
            }
            ch.force(true);
        }
    }

    /** A marker committed last; once the sidecar shows it, every table must equal PostgreSQL's. */
    private static void finish(EmbeddedPostgresServer pg, Sidecar sidecar) throws Exception {
        // the resumable initial snapshot runs beside the stream: the marker must come after its last chunk
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> sidecar.run.running.snapshotTablesRemaining() == 0);
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO marker VALUES (1)");
        }
        sidecar.awaitRows("marker", 1);
        try (Connection c = pg.connect()) {
            int rows = TableChecksums.assertSame(c, sidecar.run.running, "payments", "id");
            assertTrue(rows > 50, "payments were written: " + rows);
            LOG.info("payments: {} rows, the same checksum on both sides", rows);
        }
    }

    private static void schema(EmbeddedPostgresServer pg) throws SQLException {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE payments (id int8 PRIMARY KEY, amount numeric(12,2) NOT NULL, state text NOT NULL)");
            st.execute("CREATE TABLE marker (id int4 PRIMARY KEY)");
            st.execute("INSERT INTO payments VALUES (0, 0, 'seed')");
        }
    }

    private Path config(int pgPort, String storage, String s3Endpoint, String slot) throws Exception {
        return config(pgPort, storage, s3Endpoint, slot, "log.min-free-bytes=0");
    }

    private Path config(int pgPort, String storage, String s3Endpoint, String slot, String minFree) throws Exception {
        Path config = dir.resolve(slot + ".properties");
        SidecarConfig c = SidecarConfig.of(pgPort, slot, dir.resolve(slot + "-log")).set("storage.uri", storage);
        String[] floor = minFree.split("=", 2);
        c.set(floor[0], floor[1]);
        if (s3Endpoint != null) {
            c.set("storage.s3.endpoint", s3Endpoint);
        }
        c.writeTo(config);
        return config;
    }

    /** {@code rhei run} on a thread of its own. */
    private static final class Sidecar implements AutoCloseable {
        final RunCommand run;
        private final ExecutorService exec = Executors.newSingleThreadExecutor();
        private final Future<Integer> exit;

        Sidecar(RunCommand run) {
            this.run = run;
            this.exit = exec.submit(run);
        }

        void awaitRows(String table, long atLeast) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
                assertTrue(!exit.isDone(), "the sidecar exited");
                Object n = run.running.query("SELECT count(*) FROM " + table).rows().get(0).get(0);
                return ((Number) n).longValue() >= atLeast;
            });
        }

        @Override
        public void close() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
            run.stop.countDown();
            try {
                assertEquals(0, exit.get(60, TimeUnit.SECONDS), "the sidecar stops cleanly");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exec.shutdownNow();
            }
        }
    }

    /** Inserts and updates payments, one transaction at a time, reconnecting whenever PostgreSQL is away. */
    private static final class Writer implements AutoCloseable {
        final AtomicLong committed = new AtomicLong();
        final AtomicLong failedWhileDown = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Writer(Supplier<EmbeddedPostgresServer> pg) {
            thread = new Thread(() -> {
                long next = 1;
                while (!stop.get()) {
                    try (Connection c = pg.get().connect()) {
                        c.setAutoCommit(false);
                        try (PreparedStatement insert = c.prepareStatement("INSERT INTO payments VALUES (?, ?, 'new')");
                             PreparedStatement update = c.prepareStatement("UPDATE payments SET state = 'paid', amount = amount + 1 WHERE id = ?")) {
                            while (!stop.get()) {
                                insert.setLong(1, next);
                                insert.setBigDecimal(2, java.math.BigDecimal.valueOf(next % 10_000, 2));
                                insert.executeUpdate();
                                update.setLong(1, next / 2);
                                update.executeUpdate();
                                c.commit();
                                next++;
                                committed.incrementAndGet();
                                Thread.sleep(5);
                            }
                        }
                    } catch (SQLException e) {
                        failedWhileDown.incrementAndGet();
                        sleepQuietly(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "payments-writer");
            thread.start();
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void dropSlot(EmbeddedPostgresServer pg, String slot) {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot('" + slot + "') WHERE EXISTS (SELECT 1 FROM pg_replication_slots "
                    + "WHERE slot_name = '" + slot + "' AND NOT active)");
        } catch (SQLException e) {
            LOG.warn("dropping slot {}: {}", slot, e.getMessage());
        }
    }
}
