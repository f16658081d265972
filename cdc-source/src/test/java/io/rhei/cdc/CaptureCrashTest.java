package io.rhei.cdc;

import io.rhei.testing.ChildJvm;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.core.log.LogReader;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.testing.ReferenceSink;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capturing JVM killed with SIGKILL mid-stream, again and again: the log keeps each committed change once, in order. */
class CaptureCrashTest {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureCrashTest.class);
    private static final int KILLS = 10;
    @org.junit.jupiter.api.extension.RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    @TempDir
    Path dir;

    private static EmbeddedPostgresServer pg() {
        return PG.server();
    }

    @Test
    void sigkillMidStreamTenTimesLosesAndDoublesNothing() throws Exception {
        try (Connection c = pg().connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.payments (id int8 PRIMARY KEY, tx int4, amount numeric(12,2))");
            st.execute("INSERT INTO public.payments VALUES (0, -1, 0)");
        }
        Path logDir = dir.resolve("log");
        Path offsets = dir.resolve("offsets.dat");
        TableId t = TableId.parse("public.payments");
        List<Long> committed = Collections.synchronizedList(new ArrayList<>(List.of(0L)));
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> write(committed, stop), "workload");
        try {
            // The snapshot (row 0) in a first process that is stopped cleanly, then only streaming is exposed to kills.
            Process first = child(logDir, offsets);
            await().atMost(Duration.ofSeconds(60)).until(() -> keys(logDir, t).contains(0L));
            writer.start();
            Random rnd = new Random(42);
            Process current = first;
            for (int kill = 0; kill < KILLS; kill++) {
                Thread.sleep(700 + rnd.nextInt(2500));
                current.destroyForcibly(); // SIGKILL
                current.waitFor(30, TimeUnit.SECONDS);
                LOG.info("killed capture process {} of {} with {} transactions committed so far", kill + 1, KILLS, committed.size() / 20);
                current = child(logDir, offsets);
            }
            stop.set(true);
            writer.join();
            int total = committed.size();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> keys(logDir, t).size() >= total);
            Thread.sleep(1500); // anything doubled would arrive now
            current.destroy();
            current.waitFor(60, TimeUnit.SECONDS);
            List<Long> logged = keys(logDir, t);
            assertTrue(committed.equals(logged), "after " + KILLS + " SIGKILLs the log holds each committed insert exactly once, in commit order: "
                    + CdcHarness.firstDifference(committed, logged));
        } finally {
            stop.set(true);
            if (writer.isAlive()) {
                writer.join();
            }
            CdcHarness.dropSlot(pg(), "crash");
        }
    }

    /**
     * SIGKILL in the middle of the initial snapshot of a 1M-row table, with writes going on: the restarted capture
     * continues after the last chunk it acknowledged (rows read in all stay well under 2M) and the log, applied,
     * equals the table.
     */
    @Test
    void sigkillDuringTheInitialSnapshotOfAMillionRowsContinuesFromTheLastChunk() throws Exception {
        int rows = 1_000_000;
        try (Connection c = pg().connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.big (id int8 PRIMARY KEY, v int4, s text)");
            st.execute("INSERT INTO public.big SELECT g, 0, 'row ' || g FROM generate_series(1, " + rows + ") g");
        }
        Path logDir = dir.resolve("log-big");
        Path offsets = dir.resolve("offsets-big.dat");
        TableId t = TableId.parse("public.big");
        RandomWrites writer = new RandomWrites(pg(), "public.big", ", 1, 'new'", rows, 5, 5);
        Process current = null;
        try {
            writer.start();
            current = child(logDir, offsets, "big", "public.big", PostgresSourceConfig.SnapshotMethod.INCREMENTAL);
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> snapshotReads(logDir, t) >= rows * 2L / 5);
            current.destroyForcibly(); // SIGKILL, mid-snapshot
            current.waitFor(30, TimeUnit.SECONDS);
            long beforeKill = snapshotReads(logDir, t);
            LOG.info("killed the capture process after {} snapshot rows were in the log", beforeKill);
            assertTrue(beforeKill < rows, "the kill came before the snapshot ended: " + beforeKill);
            current = child(logDir, offsets, "big", "public.big", PostgresSourceConfig.SnapshotMethod.INCREMENTAL);
            awaitSnapshotDoneAfterTheWrites(writer, logDir, offsets, t);
            current.destroy();
            current.waitFor(60, TimeUnit.SECONDS);
            long read = snapshotReads(logDir, t);
            LOG.info("initial snapshot of {} rows, SIGKILLed once: {} rows read in all ({} before the kill)", rows, read, beforeKill);
            assertTrue(read < rows * 11L / 10, "rows read " + read + " of " + rows + ": the restarted capture went on where the killed one stopped");
            assertLogEqualsPostgres(logDir, t);
        } finally {
            writer.stop();
            if (current != null) {
                current.destroyForcibly();
                current.waitFor(30, TimeUnit.SECONDS);
            }
            CdcHarness.dropSlot(pg(), "big");
        }
    }

    @Test
    void sigkillDuringTheBulkSnapshotUnderWritesContinuesWithTheRangesNotYetReadAndEndsExact() throws Exception {
        int rows = 1_000_000;
        try (Connection c = pg().connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.bulkkill (id int8 PRIMARY KEY, v int4, s text)");
            st.execute("INSERT INTO public.bulkkill SELECT g, 0, 'row ' || g FROM generate_series(1, " + rows + ") g");
        }
        Path logDir = dir.resolve("log-bulkkill");
        Path offsets = dir.resolve("offsets-bulkkill.dat");
        Path bulkState = Path.of(offsets + ".bulk-snapshot");
        TableId t = TableId.parse("public.bulkkill");
        // inserts, updates (which move rows to other pages) and deletes, before, during and after the kill
        RandomWrites writer = new RandomWrites(pg(), "public.bulkkill", ", 1, 'new'", rows, 11, 0);
        Process current = null;
        try {
            writer.start();
            current = child(logDir, offsets, "bulkkill", "public.bulkkill");
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(10))
                    .until(() -> Files.exists(bulkState) && Files.readString(bulkState).contains("done."));
            current.destroyForcibly(); // SIGKILL, mid-snapshot: at least one range is durable, not all
            current.waitFor(30, TimeUnit.SECONDS);
            String stateAtKill = Files.readString(bulkState);
            long beforeKill = snapshotReads(logDir, t);
            LOG.info("killed the capture process after {} snapshot rows were in the log; state {}", beforeKill, stateAtKill);
            assertTrue(beforeKill < rows, "the kill came before the snapshot ended: " + beforeKill);
            current = child(logDir, offsets, "bulkkill", "public.bulkkill");
            awaitSnapshotDoneAfterTheWrites(writer, logDir, offsets, t);
            current.destroy();
            current.waitFor(60, TimeUnit.SECONDS);
            long read = snapshotReads(logDir, t);
            LOG.info("bulk snapshot of {} rows, SIGKILLed once: {} rows read in all ({} before the kill)", rows, read, beforeKill);
            assertTrue(read < rows * 3L / 2, "rows read " + read + " of " + rows + ": the ranges already in the log were not read again");
            assertEquals(1, assertLogEqualsPostgres(logDir, t).version(), "one schema version: the bulk snapshot's equals the stream's");
        } finally {
            writer.stop();
            if (current != null) {
                current.destroyForcibly();
                current.waitFor(30, TimeUnit.SECONDS);
            }
            CdcHarness.dropSlot(pg(), "bulkkill");
        }
    }

    /**
     * The restarted capture goes on 2 s beside the writes, which then stop; a sentinel row is written, and this waits
     * until the initial snapshot is done and the sentinel is in the log: everything before it is.
     */
    private void awaitSnapshotDoneAfterTheWrites(RandomWrites writer, Path logDir, Path offsets, TableId t) throws Exception {
        Thread.sleep(2000);
        writer.stop();
        try (Connection c = pg().connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + t + " VALUES (-1, 0, 'sentinel')");
        }
        Path state = Path.of(offsets + ".initial-snapshot");
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Files.readString(state).contains("state=done") && logged(logDir, t, -1L));
    }

    /** The log, applied, equals the table in PostgreSQL row by row; returns the table's schema as the log has it. */
    private TableSchema assertLogEqualsPostgres(Path logDir, TableId t) throws Exception {
        try (ChronicleChangeLog log = ChronicleChangeLog.open(ChronicleLogConfig.defaults(logDir).withMinFreeBytes(0));
             Connection c = pg().connect()) {
            ReferenceSink sink = CdcHarness.applyAll(log);
            TableSchema schema = sink.schema(t).orElseThrow();
            Map<RowKey, Row> expected = CdcHarness.pgRows(c, schema);
            assertEquals(expected.size(), sink.rows(t).size(), "rows");
            assertTrue(expected.equals(sink.rows(t)), "every row equal to PostgreSQL's");
            return schema;
        }
    }

    /** Snapshot rows of {@code table} in the log (rows read again after a kill count twice). */
    private static long snapshotReads(Path logDir, TableId table) throws InterruptedException {
        long[] n = {0};
        scan(logDir, e -> {
            if (e.table().equals(table) && e.op() == Operation.SNAPSHOT_READ) {
                n[0]++;
            }
        });
        return n[0];
    }

    /** Whether the log holds a change of {@code table} with key {@code id}. */
    private static boolean logged(Path logDir, TableId table, long id) throws InterruptedException {
        boolean[] seen = {false};
        scan(logDir, e -> seen[0] |= e.table().equals(table) && e.key() != null && e.key().size() == 1 && Long.valueOf(id).equals(e.key().get(0)));
        return seen[0];
    }

    private static void scan(Path logDir, java.util.function.Consumer<ChangeEvent> each) throws InterruptedException {
        if (!Files.exists(logDir)) {
            return;
        }
        try (ChronicleChangeLog log = ChronicleChangeLog.open(ChronicleLogConfig.defaults(logDir).withMinFreeBytes(0));
             LogReader r = log.openReader(1)) {
            List<LogRecord> buf = new ArrayList<>();
            while (r.nextSeq() <= log.lastSeq()) {
                buf.clear();
                if (r.poll(buf, 8192, Duration.ofSeconds(1)) == 0) {
                    break;
                }
                for (LogRecord rec : buf) {
                    if (rec instanceof ChangeEvent e) {
                        each.accept(e);
                    }
                }
            }
        }
    }

    private void write(List<Long> committed, AtomicBoolean stop) {
        try (Connection c = pg().connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.payments VALUES (?, ?, ?)")) {
                long next = 1;
                for (int tx = 0; !stop.get(); tx++) {
                    List<Long> ids = new ArrayList<>(20);
                    for (int i = 0; i < 20; i++) {
                        ps.setLong(1, next);
                        ps.setInt(2, tx);
                        ps.setBigDecimal(3, java.math.BigDecimal.valueOf(next, 2));
                        ps.addBatch();
                        ids.add(next++);
                    }
                    ps.executeBatch();
                    c.commit();
                    committed.addAll(ids);
                    Thread.sleep(2);
                }
            }
        } catch (SQLException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process child(Path logDir, Path offsets) throws Exception {
        return child(logDir, offsets, "crash", "public.payments");
    }

    private Process child(Path logDir, Path offsets, String slot, String tables) throws Exception {
        return child(logDir, offsets, slot, tables, PostgresSourceConfig.SnapshotMethod.BULK);
    }

    private Process child(Path logDir, Path offsets, String slot, String tables, PostgresSourceConfig.SnapshotMethod method) throws Exception {
        Path out = Files.createTempFile(dir, "child", ".log");
        return ChildJvm.of(CaptureChild.class).args(String.valueOf(pg().port()), logDir.toString(), offsets.toString(), slot, tables,
                method.name()).output(out).start();
    }

    /** The inserted keys of the table, in log order, read from the log directory the child writes. */
    private static List<Long> keys(Path logDir, TableId table) throws InterruptedException {
        List<Long> out = new ArrayList<>();
        if (!Files.exists(logDir)) {
            return out;
        }
        try (ChronicleChangeLog log = ChronicleChangeLog.open(ChronicleLogConfig.defaults(logDir).withMinFreeBytes(0));
             LogReader r = log.openReader(1)) {
            List<LogRecord> buf = new ArrayList<>();
            while (r.nextSeq() <= log.lastSeq()) {
                buf.clear();
                if (r.poll(buf, 4096, Duration.ofSeconds(1)) == 0) {
                    break;
                }
                for (LogRecord rec : buf) {
                    if (rec instanceof ChangeEvent e && e.table().equals(table) && e.op() != Operation.TRUNCATE
                            // a snapshot chunk a killed process had not acknowledged is read again: an upsert, not a new row
                            && !(e.op() == Operation.SNAPSHOT_READ && out.contains((Long) e.key().get(0)))) {
                        out.add((Long) e.key().get(0));
                    }
                }
            }
        }
        return out;
    }
}
