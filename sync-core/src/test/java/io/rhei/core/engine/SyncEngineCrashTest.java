package io.rhei.core.engine;

import io.rhei.core.LifecycleState;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.TableId;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.core.testing.Events;
import io.rhei.core.testing.ReferenceSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crashes around the sink write, pauses, and the threaded lifecycle. */
class SyncEngineCrashTest {
    @TempDir
    Path dir;

    /** The process "dies" right after the sink made a batch durable, before the engine recorded anything. */
    static final class CrashAfterApply extends ReferenceSink {
        int countdown;
        boolean crashBefore;

        @Override
        protected void beforeApply(TableChangeBatch batch) {
            if (crashBefore && --countdown == 0) {
                throw new SimulatedCrash();
            }
        }

        @Override
        protected void afterApply(TableChangeBatch batch) {
            if (!crashBefore && --countdown == 0) {
                throw new SimulatedCrash();
            }
        }
    }

    static final class SimulatedCrash extends RuntimeException {
    }

    private ChronicleChangeLog openLog() {
        return ChronicleChangeLog.open(ChronicleLogConfig.defaults(dir).withFsync(ChronicleLogConfig.FsyncPolicy.NONE).withMinFreeBytes(0));
    }

    @Test
    void crashBetweenSinkAppliedAndEngineNotedLosesAndDuplicatesNothing() throws Exception {
        Random random = new Random(42);
        Events a = new Events(Events.keyValueSchema("public.a"));
        Events b = new Events(Events.keyValueSchema("public.b"));
        List<LogRecord> records = new ArrayList<>();
        records.add(SchemaChange.of(a.schema(), a.next()));
        records.add(SchemaChange.of(b.schema(), b.next()));
        Map<TableId, Map<RowKey, Row>> model = Map.of(a.schema().table(), new HashMap<>(), b.schema().table(), new HashMap<>());
        for (int i = 0; i < 5000; i++) {
            Events ev = random.nextBoolean() ? a : b;
            long key = random.nextInt(200);
            Map<RowKey, Row> rows = model.get(ev.schema().table());
            SourcePosition pos = ev.next();
            if (random.nextInt(4) == 0) {
                rows.remove(RowKey.of(key));
                records.add(ChangeEvent.delete(ev.schema().table(), 1, RowKey.of(key), null, pos, i, 1));
            } else {
                Row row = Row.of(key, "v" + i);
                rows.put(RowKey.of(key), row);
                records.add(ChangeEvent.upsert(Operation.INSERT, ev.schema().table(), 1, RowKey.of(key), row, pos, i, 1));
            }
        }
        try (ChronicleChangeLog log = openLog()) {
            log.append(records);
            CrashAfterApply sink = new CrashAfterApply();
            SyncEngineConfig config = SyncEngineConfig.defaults().withMaxBatchEvents(97);
            int crashes = 0;
            for (int round = 0; round < 200; round++) {
                sink.countdown = 1 + random.nextInt(6);
                sink.crashBefore = random.nextBoolean();
                SyncEngine engine = SyncEngine.builder(log, sink).config(config).build();
                try {
                    engine.runUntil(Long.MAX_VALUE);
                    break;
                } catch (SimulatedCrash expected) {
                    crashes++;
                    assertSame(LifecycleState.FAILED, engine.state());
                }
            }
            assertTrue(crashes >= 10, "the test crashed the engine " + crashes + " times");
            sink.countdown = Integer.MAX_VALUE;
            for (Events ev : List.of(a, b)) {
                TableId t = ev.schema().table();
                assertEquals(model.get(t), sink.rows(t), "rows of " + t + " after " + crashes + " crashes");
                assertEquals(log.lastSeq(), sink.appliedSeq(t));
            }
        }
    }

    @Test
    void tableWithAnEventOfAnUnknownSchemaVersionPausesWhileOthersContinue() throws Exception {
        Events a = new Events(Events.keyValueSchema("public.a"));
        Events b = new Events(Events.keyValueSchema("public.b"));
        try (ChronicleChangeLog log = openLog()) {
            log.append(List.of(SchemaChange.of(a.schema(), a.next()), SchemaChange.of(b.schema(), b.next())));
            ChangeEvent a1 = a.insert(1, "a1");
            ChangeEvent wrongVersion = ChangeEvent.upsert(Operation.INSERT, b.schema().table(), 7, RowKey.of(1L), Row.of(1L, "x"),
                    b.next(), 1, 1);
            log.append(List.of(a1, wrongVersion, b.insert(2, "b2"), a.insert(2, "a2")));
            assertEquals(6, log.lastSeq());
            ReferenceSink sink = new ReferenceSink();
            SyncEngine engine = SyncEngine.builder(log, sink).build();
            engine.runUntil(Long.MAX_VALUE);
            assertEquals(2, sink.rows(a.schema().table()).size(), "the healthy table got every row");
            assertEquals(0, sink.rows(b.schema().table()).size(), "nothing after the bad event was applied to the paused table");
            assertEquals(2, sink.appliedSeq(b.schema().table()), "the paused table's applied sequence stayed before the bad event");
            String reason = engine.metrics().tables().get(b.schema().table()).pausedReason();
            assertNotNull(reason);
            assertTrue(reason.contains("schema version 7"), reason);
            assertNull(engine.metrics().tables().get(a.schema().table()).pausedReason());
            assertEquals(2, engine.metrics().eventsHeld());
            assertEquals(2, log.consumers().get("sync-engine"), "retention must keep the paused table's events");
        }
    }

    /** rhei resync of a paused table: its TRUNCATE (in a schema the table can take) supersedes what was held, and it resumes. */
    @Test
    void pausedTableResumesAtTheTruncateOfAResync() throws Exception {
        Events b = new Events(Events.keyValueSchema("public.b"));
        try (ChronicleChangeLog log = openLog()) {
            log.append(List.of(SchemaChange.of(b.schema(), b.next()), b.insert(1, "b1")));
            ChangeEvent wrongVersion = ChangeEvent.upsert(Operation.INSERT, b.schema().table(), 7, RowKey.of(9L), Row.of(9L, "x"),
                    b.next(), 1, 1);
            log.append(List.of(wrongVersion, b.insert(2, "held")));
            ReferenceSink sink = new ReferenceSink();
            SyncEngine engine = SyncEngine.builder(log, sink).build();
            engine.runUntil(Long.MAX_VALUE);
            assertNotNull(engine.metrics().tables().get(b.schema().table()).pausedReason());
            // the resync: a TRUNCATE, then the table's rows as PostgreSQL has them now
            log.append(List.of(ChangeEvent.truncate(b.schema().table(), 1, b.next(), 0, 0), b.insert(2, "now"), b.insert(3, "new")));
            SyncEngine next = SyncEngine.builder(log, sink).build(); // pauses at the held event again, then meets the TRUNCATE
            next.runUntil(Long.MAX_VALUE);
            assertNull(next.metrics().tables().get(b.schema().table()).pausedReason(), "the resync resumed the table");
            assertEquals(java.util.Map.of(RowKey.of(2L), Row.of(2L, "now"), RowKey.of(3L), Row.of(3L, "new")), sink.rows(b.schema().table()));
            assertEquals(log.lastSeq(), sink.appliedSeq(b.schema().table()));
            SyncEngine restarted = SyncEngine.builder(log, sink).build();
            restarted.runUntil(Long.MAX_VALUE);
            assertNull(restarted.metrics().tables().get(b.schema().table()).pausedReason(), "a restart does not pause it again");
        }
    }

    /**
     * While the engine works through a long backlog (an initial snapshot), {@code lagEvents} says how far behind it is:
     * it was 0 all along, since the log's end was looked at only when the engine had caught up (found by
     * {@code scripts/bench scale}: 0 while 13M records waited).
     */
    @Test
    void lagShowsTheBacklogWhileTheEngineCatchesUp() throws Exception {
        Events a = new Events(Events.keyValueSchema("public.a"));
        try (ChronicleChangeLog log = openLog()) {
            log.append(List.of(SchemaChange.of(a.schema(), a.next())));
            List<Long> lags = java.util.Collections.synchronizedList(new ArrayList<>());
            SyncEngine[] engine = new SyncEngine[1];
            ReferenceSink sink = new ReferenceSink() {
                @Override
                protected void beforeApply(TableChangeBatch batch) {
                    lags.add(engine[0].metrics().lagEvents());
                }
            };
            engine[0] = SyncEngine.builder(log, sink).config(SyncEngineConfig.defaults().withMaxBatchEvents(500)).build();
            engine[0].start(); // idle at the schema: the backlog arrives while it runs, as a snapshot's does
            Thread.sleep(300);
            List<LogRecord> records = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                records.add(a.insert(i, "v" + i));
            }
            log.append(records);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (sink.rows(a.schema().table()).size() < 5_000 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            engine[0].stop();
            assertTrue(lags.size() >= 9, "batches applied: " + lags);
            assertTrue(lags.get(lags.size() / 2) >= 1_000, "the backlog shows while the engine is behind: " + lags);
        }
    }

    @Test
    void threadedEngineTailsAppendsAndStopsCleanly() throws Exception {
        Events a = new Events(Events.keyValueSchema("public.a"));
        try (ChronicleChangeLog log = openLog()) {
            ReferenceSink sink = new ReferenceSink();
            SyncEngine engine = SyncEngine.builder(log, sink)
                    .config(SyncEngineConfig.defaults().withMaxBatchDelay(Duration.ofMillis(20))).build();
            engine.start();
            log.append(List.of(SchemaChange.of(a.schema(), a.next())));
            for (int i = 0; i < 100; i++) {
                log.append(List.of(a.insert(i, "v" + i)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (sink.rows(a.schema().table()).size() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(100, sink.rows(a.schema().table()).size());
            engine.stop();
            assertSame(LifecycleState.STOPPED, engine.state());
            assertEquals(101, engine.metrics().eventsRead());
            assertEquals(101, sink.appliedSeq(a.schema().table()));
            assertThrows(IllegalStateException.class, engine::start, "an engine is started once");

            log.append(List.of(a.delete(5)));
            SyncEngine again = SyncEngine.builder(log, sink).build();
            again.runUntil(Long.MAX_VALUE);
            assertEquals(1, again.metrics().eventsRead(), "restart resumes after the applied sequence");
            assertEquals(99, sink.rows(a.schema().table()).size());
        }
    }

    @Test
    void sinkAheadOfTheLogIsRefused() throws Exception {
        Events a = new Events(Events.keyValueSchema("public.a"));
        ReferenceSink sink = new ReferenceSink();
        sink.ensureTable(a.schema(), 500);
        try (ChronicleChangeLog log = openLog()) {
            log.append(List.of(a.insert(1, "x")));
            var e = assertThrows(io.rhei.core.RheiException.class, () -> SyncEngine.builder(log, sink).build().runUntil(10));
            assertTrue(e.getMessage().contains("public.a") && e.getMessage().contains("500"), e.getMessage());
        }
    }

}
