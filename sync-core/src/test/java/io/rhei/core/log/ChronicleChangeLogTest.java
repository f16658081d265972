package io.rhei.core.log;

import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SourcePosition;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleChangeLogTest extends ChangeLogContract {

    @TempDir
    Path dir;

    private ChronicleLogConfig config() {
        return ChronicleLogConfig.defaults(dir).withFsync(ChronicleLogConfig.FsyncPolicy.NONE).withMinFreeBytes(0);
    }

    @Override
    protected ChangeLog open() {
        return ChronicleChangeLog.open(config());
    }

    @Override
    protected int roundTripRecords() {
        return 1_000_000;
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
