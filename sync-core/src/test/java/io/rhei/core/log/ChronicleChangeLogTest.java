package io.rhei.core.log;

import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.TableId;
import io.rhei.core.testing.Events;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleChangeLogTest {
    private static final TableId ORDERS = TableId.parse("public.orders");

    @TempDir
    Path dir;

    private static ChangeEvent event(long i) {
        Operation op = switch ((int) (i % 3)) {
            case 0 -> Operation.INSERT;
            case 1 -> Operation.UPDATE;
            default -> Operation.DELETE;
        };
        SourcePosition pos = new SourcePosition(1000 + i * 8, 1000 + i * 8, 0);
        if (op == Operation.DELETE) {
            return ChangeEvent.delete(ORDERS, 1, RowKey.of(i % 5000), null, pos, i / 10, 1_700_000_000_000_000L + i);
        }
        return ChangeEvent.upsert(op, ORDERS, 1, RowKey.of(i % 5000), Row.of(i % 5000, "customer-" + i, (int) i, i % 7 == 0 ? null : i * 0.5),
                pos, i / 10, 1_700_000_000_000_000L + i);
    }

    private ChronicleLogConfig config() {
        return ChronicleLogConfig.defaults(dir).withFsync(ChronicleLogConfig.FsyncPolicy.NONE).withMinFreeBytes(0);
    }

    @Test
    void millionEventsRoundTripInOrderWithEqualContent() throws Exception {
        int total = 1_000_000;
        try (ChronicleChangeLog log = ChronicleChangeLog.open(config())) {
            List<ChangeEvent> batch = new ArrayList<>(10_000);
            for (long i = 1; i <= total; i++) {
                batch.add(event(i));
                if (batch.size() == 10_000) {
                    ChangeLog.AppendResult r = log.append(batch);
                    assertEquals(10_000, r.appended());
                    assertEquals(i, r.lastSeq());
                    batch.clear();
                }
            }
            assertEquals(total, log.lastSeq());
            try (LogReader reader = log.openReader(1)) {
                List<LogRecord> got = new ArrayList<>();
                long expected = 1;
                while (expected <= total) {
                    got.clear();
                    int n = reader.poll(got, 8192, Duration.ofSeconds(5));
                    assertTrue(n > 0, "reader stalled at sequence " + expected);
                    for (LogRecord r : got) {
                        assertEquals(event(expected).withSeq(expected), r, "record " + expected);
                        expected++;
                    }
                }
                got.clear();
                assertEquals(0, reader.poll(got, 10, Duration.ofMillis(20)), "nothing after the last record");
            }
        }
    }

    @Test
    void resumesFromSequenceAfterReopen() throws Exception {
        try (ChronicleChangeLog log = ChronicleChangeLog.open(config())) {
            log.append(List.of(event(1), event(2), event(3)));
        }
        try (ChronicleChangeLog log = ChronicleChangeLog.open(config())) {
            assertEquals(3, log.lastSeq(), "sequence watermark recovered from disk");
            assertEquals(event(3).position(), log.lastPosition());
            ChangeLog.AppendResult r = log.append(List.of(event(4), event(5)));
            assertEquals(4, r.firstSeq());
            try (LogReader reader = log.openReader(3)) {
                List<LogRecord> got = new ArrayList<>();
                reader.poll(got, 10, Duration.ofSeconds(1));
                assertEquals(List.of(3L, 4L, 5L), got.stream().map(LogRecord::seq).toList());
                assertEquals(event(5).withSeq(5), got.get(2));
            }
        }
    }

    @Test
    void dropsRedeliveredEventsAtAppendAcrossRestart() {
        try (ChronicleChangeLog log = ChronicleChangeLog.open(config())) {
            log.append(List.of(event(1), event(2), event(3)));
        }
        try (ChronicleChangeLog log = ChronicleChangeLog.open(config())) {
            // A source restarting from an older offset re-delivers 2 and 3, then continues with 4.
            ChangeLog.AppendResult r = log.append(List.of(event(2), event(3), event(4)));
            assertEquals(1, r.appended());
            assertEquals(2, r.droppedDuplicates());
            assertEquals(4, r.firstSeq());
            assertEquals(4, log.lastSeq());
            ChangeLog.AppendResult again = log.append(List.of(event(4)));
            assertEquals(0, again.appended());
            assertEquals(4, log.lastSeq());
        }
    }

    @Test
    void tailBlocksUntilAnAppendOrTimeout() throws Exception {
        try (ChronicleChangeLog log = ChronicleChangeLog.open(config()); LogReader reader = log.openReader(1)) {
            List<LogRecord> got = new ArrayList<>();
            long t0 = System.nanoTime();
            assertEquals(0, reader.poll(got, 10, Duration.ofMillis(200)));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(150), "poll waited for its timeout");
            Thread writer = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                log.append(List.of(event(1)));
            });
            writer.start();
            assertEquals(1, reader.poll(got, 10, Duration.ofSeconds(10)));
            writer.join();
            assertEquals(1, got.get(0).seq());
        }
    }

    @Test
    void retentionDeletesOnlySegmentsEveryConsumerPassedAndOldEnough() throws Exception {
        SetTimeProvider clock = new SetTimeProvider(1_700_000_000_000L);
        ChronicleLogConfig cfg = config().withRollCycle(TestRollCycles.TEST_SECONDLY).withRetention(Duration.ofSeconds(2))
                .withClock(clock);
        try (ChronicleChangeLog log = ChronicleChangeLog.open(cfg)) {
            long seq = 0;
            for (int segment = 0; segment < 5; segment++) {
                List<ChangeEvent> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    batch.add(event(++seq));
                }
                log.append(batch);
                clock.advanceMillis(1000);
            }
            assertEquals(5, countSegments());
            assertEquals(0, log.applyRetention(), "no consumer registered: nothing may go");

            log.markConsumed("sync-engine", 25);
            log.markConsumed("replay", 12);
            clock.advanceMillis(60_000);
            assertEquals(10, log.applyRetention(), "only the first segment (1..10) is passed by both consumers");
            assertEquals(11, log.firstSeq());
            assertEquals(4, countSegments());

            log.markConsumed("replay", 50);
            assertEquals(10, log.applyRetention(), "segment 11..20 passed by both; 21..30 not by sync-engine (25)");
            assertEquals(21, log.firstSeq());

            log.markConsumed("sync-engine", 50);
            assertEquals(20, log.applyRetention(), "never the newest segment");
            assertEquals(41, log.firstSeq());
            assertEquals(1, countSegments());
            try (LogReader reader = log.openReader(1)) {
                assertEquals(41, reader.nextSeq(), "a reader asking for removed records starts at the first held one");
            }
        }
        try (ChronicleChangeLog log = ChronicleChangeLog.open(cfg)) {
            assertEquals(41, log.firstSeq());
            assertEquals(50, log.lastSeq());
            assertEquals(50L, log.consumers().get("replay"), "consumer marks are durable");
        }
    }

    @Test
    void retentionKeepsSegmentsYoungerThanThePeriod() {
        SetTimeProvider clock = new SetTimeProvider(1_700_000_000_000L);
        ChronicleLogConfig cfg = config().withRollCycle(TestRollCycles.TEST_SECONDLY).withRetention(Duration.ofHours(1))
                .withClock(clock);
        try (ChronicleChangeLog log = ChronicleChangeLog.open(cfg)) {
            for (int segment = 0; segment < 3; segment++) {
                log.append(List.of(event(segment * 2 + 1), event(segment * 2 + 2)));
                clock.advanceMillis(1000);
            }
            log.markConsumed("sync-engine", 6);
            assertEquals(0, log.applyRetention());
            clock.advanceMillis(Duration.ofHours(2).toMillis());
            assertEquals(4, log.applyRetention());
        }
    }

    @Test
    void flippedByteIsReportedAsCorruptionAtItsPosition() throws Exception {
        try (ChronicleChangeLog log = ChronicleChangeLog.open(config())) {
            List<ChangeEvent> batch = new ArrayList<>();
            for (long i = 1; i <= 1000; i++) {
                SourcePosition pos = new SourcePosition(i * 8, i * 8, 0);
                batch.add(ChangeEvent.upsert(Operation.INSERT, ORDERS, 1, RowKey.of(i), Row.of(i, String.format("MARKER-%06d", i)),
                        pos, i, 0));
            }
            log.append(batch);
        }
        Path segment = segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        int at = indexOf(bytes, "MARKER-000500".getBytes(StandardCharsets.UTF_8));
        assertTrue(at > 0, "marker found in the segment file");
        bytes[at + 8] ^= 0x01;
        Files.write(segment, bytes);

        try (ChronicleChangeLog log = ChronicleChangeLog.open(config()); LogReader reader = log.openReader(1)) {
            List<LogRecord> got = new ArrayList<>();
            CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> {
                while (true) {
                    reader.poll(got, 64, Duration.ofMillis(100));
                }
            });
            assertEquals(499, got.size(), "every record before the corrupt one was returned");
            assertEquals(500, e.expectedSeq());
            assertTrue(e.location().contains("entry 499"), e.location());
            assertTrue(e.getMessage().contains(segment.getFileName().toString()), e.getMessage());
            // The reader does not move past the corrupt record: asking again fails again.
            assertThrows(CorruptRecordException.class, () -> reader.poll(got, 64, Duration.ofMillis(100)));
            assertEquals(500, reader.nextSeq());
        }
        try (ChronicleChangeLog log = ChronicleChangeLog.open(config()); LogReader reader = log.openReader(600)) {
            List<LogRecord> got = new ArrayList<>();
            reader.poll(got, 10, Duration.ofMillis(100));
            assertEquals(600, got.get(0).seq(), "records after the damage are still reachable by sequence");
        }
    }

    @Test
    void schemaChangesRoundTrip() throws Exception {
        var schema = Events.keyValueSchema("public.kv");
        try (ChronicleChangeLog log = ChronicleChangeLog.open(config())) {
            log.append(List.of(SchemaChange.of(schema, new SourcePosition(1, 1, 0))));
            try (LogReader reader = log.openReader(1)) {
                List<LogRecord> got = new ArrayList<>();
                reader.poll(got, 10, Duration.ofSeconds(1));
                SchemaChange sc = (SchemaChange) got.get(0);
                assertEquals(schema, sc.schema());
                assertEquals(1, sc.seq());
            }
        }
    }

    @Test
    void aSegmentWhoseCreationACrashInterruptedIsRemovedOnOpenAndReadersSeeWhatFollows() throws Exception {
        SetTimeProvider clock = new SetTimeProvider(1_700_000_000_000L);
        ChronicleLogConfig cfg = config().withRollCycle(TestRollCycles.TEST_SECONDLY).withClock(clock);
        try (ChronicleChangeLog log = ChronicleChangeLog.open(cfg)) {
            log.append(List.of(event(1), event(2), event(3)));
        }
        // A process SIGKILLed while creating the next segment leaves a file whose first header is still
        // "not complete": Chronicle waits 10 s for it at every acquire, then renames it under its readers.
        clock.advanceMillis(1000);
        Path first = segments().get(0);
        Path torn = dir.resolve(java.time.format.DateTimeFormatter.ofPattern(TestRollCycles.TEST_SECONDLY.format())
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(clock.currentTimeMillis())) + ".cq4");
        byte[] bytes = Files.readAllBytes(first);
        bytes[0] = 0;
        bytes[1] = 0;
        bytes[2] = 0;
        bytes[3] = (byte) 0x80; // Wires.NOT_COMPLETE, little-endian
        Files.write(torn, bytes);
        try (ChronicleChangeLog log = ChronicleChangeLog.open(cfg); LogReader reader = log.openReader(1)) {
            assertEquals(3, log.lastSeq());
            assertTrue(Files.notExists(torn), "the unfinished segment " + torn.getFileName() + " is gone: it could hold no record");
            log.append(List.of(event(4), event(5)));
            List<LogRecord> got = new ArrayList<>();
            while (got.size() < 5 && reader.poll(got, 10, Duration.ofSeconds(2)) > 0) {
                // keep reading
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), got.stream().map(LogRecord::seq).toList());
        }
    }

    @Test
    void aSecondWriterOfTheSameDirectoryIsRefusedWithTheReasonAndReadsStillWork() {
        try (ChronicleChangeLog writer = ChronicleChangeLog.open(config()); ChronicleChangeLog other = ChronicleChangeLog.open(config())) {
            writer.append(List.of(event(1)));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.append(List.of(event(2))));
            assertTrue(e.getMessage().contains("is being written by another process"), e.getMessage());
            assertEquals(1, other.firstSeq(), "a second instance still reads, as the replay tool beside a sidecar does");
            assertEquals(1, writer.append(List.of(event(2))).appended());
        }
    }

    private long countSegments() throws IOException {
        return segments().size();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
