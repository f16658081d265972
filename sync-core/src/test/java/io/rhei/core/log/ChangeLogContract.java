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
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link ChangeLog} must do, whatever it is written on: records round-trip in order with their sequence
 * numbers, the counter and the de-duplication watermark survive a reopen, re-delivered records are dropped, and a
 * reader waits for appends. Chronicle ({@code ChronicleChangeLogTest}) and Kafka ({@code KafkaChangeLogTest}) pass it.
 */
public abstract class ChangeLogContract {
    protected static final TableId ORDERS = TableId.parse("public.orders");

    /** Opens the log under test: on the same location every time (a reopen is a restart). */
    protected abstract ChangeLog open();

    /** How many records the round trip appends. */
    protected abstract int roundTripRecords();

    protected static ChangeEvent event(long i) {
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

    @Test
    void manyEventsRoundTripInOrderWithEqualContent() throws Exception {
        int total = roundTripRecords();
        try (ChangeLog log = open()) {
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
        try (ChangeLog log = open()) {
            log.append(List.of(event(1), event(2), event(3)));
        }
        try (ChangeLog log = open()) {
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
        try (ChangeLog log = open()) {
            log.append(List.of(event(1), event(2), event(3)));
        }
        try (ChangeLog log = open()) {
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
        try (ChangeLog log = open(); LogReader reader = log.openReader(1)) {
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
    void schemaChangesRoundTrip() throws Exception {
        var schema = Events.keyValueSchema("public.kv");
        try (ChangeLog log = open()) {
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

}
