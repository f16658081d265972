package io.rhei.log.kafka;

import io.rhei.core.RheiException;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.log.ChangeLogContract;
import io.rhei.core.log.LogReader;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.testing.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The change log contract on a real Kafka broker (KRaft, a child JVM on 127.0.0.1), and what only Kafka can do wrong. */
class KafkaChangeLogTest extends ChangeLogContract {
    private static Path dir;
    private static KafkaTestBroker broker;
    private String topic;

    @BeforeAll
    static void startBroker() throws Exception {
        dir = Files.createTempDirectory("rhei-kafka-test");
        broker = KafkaTestBroker.start(dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
        io.rhei.testing.LocalResources.deleteTree(dir);
    }

    @BeforeEach
    void newTopic() {
        topic = "rhei-test-" + System.nanoTime();
    }

    private KafkaLogConfig config() {
        return KafkaLogConfig.of(broker.bootstrapServers(), topic).withTimeout(Duration.ofSeconds(30));
    }

    @Override
    protected ChangeLog open() {
        return KafkaChangeLog.open(config());
    }

    @Override
    protected int roundTripRecords() {
        return 100_000;
    }

    /**
     * The broker is killed and restarted while an appender appends without pause, re-delivering from its last
     * acknowledged record after each failure, as capture does: the topic ends with every record exactly once, in order,
     * with gap-free sequence numbers.
     */
    @Test
    void aBrokerKilledMidAppendLosesAndRepeatsNothing() throws Exception {
        int total = 30_000;
        AtomicLong acknowledged = new AtomicLong(); // the source's position: the last record the log acknowledged
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong failedAppends = new AtomicLong();
        Thread appender = new Thread(() -> {
            try (ChangeLog log = KafkaChangeLog.open(config().withTimeout(Duration.ofSeconds(10)))) {
                while (acknowledged.get() < total) {
                    long from = acknowledged.get() + 1;
                    List<ChangeEvent> batch = new ArrayList<>();
                    for (long i = from; i < from + 200 && i <= total; i++) {
                        batch.add(event(i));
                    }
                    try {
                        log.append(batch);
                        acknowledged.set(from + batch.size() - 1);
                    } catch (RheiException e) {
                        failedAppends.incrementAndGet(); // the source re-delivers from its last acknowledged record
                        Thread.sleep(200);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "appender");
        appender.start();
        for (int kill = 0; kill < 3; kill++) {
            long before = acknowledged.get();
            while (acknowledged.get() < before + 2_000 && appender.isAlive()) {
                Thread.sleep(20);
            }
            broker.kill();
            Thread.sleep(1_000);
            broker.restart();
        }
        appender.join(300_000);
        if (failure.get() != null) {
            throw new AssertionError("the appender failed", failure.get());
        }
        assertEquals(total, acknowledged.get());
        assertTrue(failedAppends.get() > 0, "the kills failed some appends");
        try (ChangeLog log = open(); LogReader reader = log.openReader(1)) {
            assertEquals(total, log.lastSeq(), () -> "every record once; " + anomalies(log, total));
            List<LogRecord> got = new ArrayList<>();
            long expected = 1;
            while (expected <= total) {
                got.clear();
                assertTrue(reader.poll(got, 5_000, Duration.ofSeconds(10)) > 0, "reader stalled at " + expected);
                for (LogRecord r : got) {
                    assertEquals(event(expected).withSeq(expected), r);
                    expected++;
                }
            }
        }
    }

    /**
     * A transaction left open on the topic with no one to end it (Kafka can leave a committed one so after a broker
     * restart, its marker skipped) stops every read-committed reader. The writer aborts it at open, and appends again
     * its records past the committed tail: readers go on, and no record is lost.
     */
    @Test
    void aTransactionLeftOpenOnTheTopicIsAbortedAndItsRecordsAppendedAgain() throws Exception {
        try (ChangeLog log = open()) {
            log.append(List.of(event(1), event(2)));
        }
        java.util.Properties p = KafkaChangeLog.clientProperties(config());
        p.put(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stray-" + topic);
        io.rhei.core.log.LogRecordCodec codec = new io.rhei.core.log.LogRecordCodec();
        try (var stray = new org.apache.kafka.clients.producer.KafkaProducer<>(p, new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            stray.initTransactions();
            stray.beginTransaction();
            for (long i = 3; i <= 4; i++) {
                stray.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, KafkaLogRecords.key(event(i)),
                        codec.toBytes(event(i).withSeq(i)))).get();
            }
            // the stray producer neither commits nor aborts: its transaction holds the topic's stable offset back
            try (ChangeLog log = open(); LogReader reader = log.openReader(1)) {
                assertEquals(4, log.lastSeq(), "the open transaction's records appended again");
                log.append(List.of(event(5)));
                List<LogRecord> got = new ArrayList<>();
                while (got.size() < 5) {
                    assertTrue(reader.poll(got, 10, Duration.ofSeconds(10)) > 0, "reader stalled after " + got.size());
                }
                for (int i = 0; i < 5; i++) {
                    assertEquals(event(i + 1).withSeq(i + 1), got.get(i));
                }
            }
        }
    }

    /** What differs from records 1..total, each once with its own sequence number: for a failure's message. */
    private static String anomalies(ChangeLog log, int total) {
        java.util.Map<Long, Integer> byPosition = new java.util.TreeMap<>();
        List<String> out = new ArrayList<>();
        try (LogReader reader = log.openReader(1)) {
            List<LogRecord> got = new ArrayList<>();
            long expectedSeq = 1;
            while (reader.poll(got, 5_000, Duration.ofSeconds(5)) > 0) {
                for (LogRecord r : got) {
                    long i = (r.position().lsn() - 1000) / 8;
                    byPosition.merge(i, 1, Integer::sum);
                    if (r.seq() != expectedSeq && out.size() < 20) {
                        out.add("seq " + r.seq() + " where " + expectedSeq + " was expected (record " + i + ")");
                    }
                    expectedSeq = r.seq() + 1;
                }
                got.clear();
            }
        } catch (RuntimeException | InterruptedException e) {
            out.add("reading failed: " + e);
        }
        List<Long> missing = new ArrayList<>();
        List<Long> repeated = new ArrayList<>();
        for (long i = 1; i <= total; i++) {
            int n = byPosition.getOrDefault(i, 0);
            if (n == 0 && missing.size() < 20) {
                missing.add(i);
            } else if (n > 1 && repeated.size() < 20) {
                repeated.add(i);
            }
        }
        return "records read " + byPosition.values().stream().mapToInt(Integer::intValue).sum() + ", missing " + missing + ", repeated "
                + repeated + ", sequence anomalies " + out;
    }

    /** A second process writing the topic fences the first (one transactional id per topic): never two writers' records. */
    @Test
    void aSecondWriterOfTheTopicFencesTheFirst() throws Exception {
        try (ChangeLog first = open()) {
            first.append(List.of(event(1)));
            ChangeLog second = open(); // takes the topic over
            second.append(List.of(event(2)));
            RheiException e = assertThrows(RheiException.class, () -> first.append(List.of(event(3))));
            assertTrue(e.getMessage().startsWith("another process took over Kafka topic " + topic), e.getMessage());
            assertThrows(RheiException.class, () -> first.append(List.of(event(3))), "and stays stopped");
            second.append(List.of(event(3)));
            try (LogReader reader = second.openReader(1)) {
                List<LogRecord> got = new ArrayList<>();
                while (got.size() < 3) {
                    assertTrue(reader.poll(got, 10, Duration.ofSeconds(10)) > 0);
                }
                assertEquals(List.of(event(1).withSeq(1), event(2).withSeq(2), event(3).withSeq(3)), got);
            }
            second.close();
        }
    }

    /** A read-only log (replay, a second sync) reads without fencing the writer, and refuses to append. */
    @Test
    void aReadOnlyLogReadsBesideTheWriterWithoutFencingIt() throws Exception {
        try (ChangeLog writer = open()) {
            writer.append(List.of(event(1), event(2)));
            try (ChangeLog reader = KafkaChangeLog.openReadOnly(config()); LogReader r = reader.openReader(1)) {
                assertEquals(2, reader.lastSeq());
                assertThrows(IllegalStateException.class, () -> reader.append(List.of(event(3))));
                writer.append(List.of(event(3)));
                List<LogRecord> got = new ArrayList<>();
                while (got.size() < 3) {
                    assertTrue(r.poll(got, 10, Duration.ofSeconds(10)) > 0);
                }
                assertEquals(3, got.get(2).seq());
            }
        }
    }

    /** Offsets have gaps (a commit marker per append): a reader still finds every sequence number. */
    @Test
    void readersFindEverySequenceNumberAcrossCommitMarkers() throws Exception {
        try (ChangeLog log = open()) {
            for (long i = 1; i <= 60; i += 3) {
                log.append(List.of(event(i), event(i + 1), event(i + 2)));
            }
            for (long from : new long[] {1, 2, 3, 4, 31, 58, 60}) {
                try (LogReader reader = log.openReader(from)) {
                    List<LogRecord> got = new ArrayList<>();
                    assertTrue(reader.poll(got, 1, Duration.ofSeconds(10)) > 0);
                    assertEquals(event(from).withSeq(from), got.get(0), "reader opened at " + from);
                }
            }
            try (LogReader reader = log.openReader(61)) {
                List<LogRecord> got = new ArrayList<>();
                assertEquals(0, reader.poll(got, 1, Duration.ofMillis(300)), "nothing past the end");
            }
        }
    }

    @Test
    void aTopicOfSeveralPartitionsIsRefusedWithTheFix() throws Exception {
        try (Admin admin = Admin.create(KafkaChangeLog.clientProperties(config()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        RheiException e = assertThrows(RheiException.class, this::open);
        assertEquals("Kafka topic " + topic + " has 3 partitions, but Rhei's change log is one totally ordered partition: name a topic of one "
                + "partition (or a new one Rhei creates) with log.kafka.topic", e.getMessage());
    }

    @Test
    void unreachableBrokersFailTheOpenWithWhereAndTheKey() {
        KafkaLogConfig nowhere = new KafkaLogConfig("127.0.0.1:1", topic, (short) 1, Duration.ofSeconds(3));
        RheiException e = assertThrows(RheiException.class, () -> KafkaChangeLog.open(nowhere));
        assertTrue(e.getMessage().startsWith("cannot describe topic " + topic + " on Kafka at 127.0.0.1:1 (log.kafka.bootstrap-servers) within 3 s"),
                e.getMessage());
    }

    @Test
    void consumerPositionsAreConsumerGroupOffsets() {
        try (ChangeLog log = open()) {
            log.append(List.of(event(1), event(2), event(3)));
            log.markConsumed("sync", 2);
        }
        try (ChangeLog log = open()) {
            assertEquals(2L, log.consumers().get("sync"), "committed as group rhei-sync, read back after a reopen");
            log.removeConsumer("sync");
            assertEquals(null, log.consumers().get("sync"));
        }
    }
}
