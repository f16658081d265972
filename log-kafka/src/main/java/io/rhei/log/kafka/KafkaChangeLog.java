package io.rhei.log.kafka;

import io.rhei.core.RheiException;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.log.LogReader;
import io.rhei.core.log.LogRecordCodec;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.SourcePosition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ChangeLog} on a Kafka topic of one partition ({@link KafkaLogRecords} documents the records for other
 * consumers).
 *
 * <p><b>One partition, one total order.</b> The sync engine applies transactions across tables in commit order and
 * reports one applied position (read-your-writes, readiness); a partition per table would give each table its own
 * order and lose that. One partition carries tens of MB/s, more than one PostgreSQL's logical decoding delivers.
 *
 * <p><b>One Kafka transaction per append.</b> The producer is transactional ({@code transactional.id =
 * rhei-log-<topic>}, {@code acks=all}), and readers read committed records only. So an append is all or nothing: it
 * returns once its records are durable on the in-sync replicas and visible, and a failed one is aborted and never seen,
 * so a re-delivery cannot duplicate it. A second process writing the topic takes the same transactional id, which
 * fences the first: the first stops with a message saying so, and the topic never holds two writers' records.
 * Sequence numbers are carried in the records and gap-free; offsets are not (each commit adds a marker), so a reader
 * finds a sequence number by a binary search over offsets.
 *
 * <p><b>Restarts.</b> The sequence counter and the de-duplication watermark (the last source position) are read back
 * from the topic's last committed record at open, and again after an append whose outcome is unknown (a commit that
 * timed out), so a source re-delivering after a crash is de-duplicated against what the brokers hold, not against
 * local state. A transaction still open on the partition once the writer has fenced every older producer has no one
 * left to end it (Kafka can leave a commit's marker unwritten across a broker restart): {@link HangingTransactions}
 * aborts it and the writer appends again its records past the committed tail. The counter never goes back: a tail
 * that reads lower than what this process committed is waited for, not trusted.
 *
 * <p><b>Consumers and retention.</b> Readers are plain assigned consumers (no group membership); each sync resumes from
 * its tables' applied sequences. {@link #markConsumed} records a consumer's position as the committed offset of the
 * consumer group {@code rhei-<name>} (the sequence number, for Kafka's own tools to show). Retention is the topic's
 * (Kafka's settings): {@link #applyRetention} deletes nothing.
 *
 * <p>Thread model: {@link #append} is serialized; readers are one per thread, as the interface says.
 */
public final class KafkaChangeLog implements ChangeLog {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaChangeLog.class);
    /** The largest record: the topic Rhei creates accepts it, the producer sends it, readers fetch it. */
    static final int MAX_RECORD_BYTES = 64 << 20;

    private final KafkaLogConfig config;
    private final TopicPartition partition;
    private final Admin admin;
    private final KafkaConsumerGroups groups;
    /** A writer fences the topic's other writers at open; a read-only log (replay, other syncs) never does. */
    private final boolean writable;
    private final Object appendLock = new Object();
    private final LogRecordCodec codec = new LogRecordCodec();
    private final HangingTransactions hanging;
    private KafkaProducer<byte[], byte[]> producer;
    /** Another process took the topic's transactional id: this log appends no more. */
    private String fencedBy;
    private volatile long lastSeq;
    private volatile SourcePosition lastPosition = SourcePosition.NONE;
    private volatile boolean closed;

    private KafkaChangeLog(KafkaLogConfig config, boolean writable) {
        this.config = config;
        this.writable = writable;
        this.partition = new TopicPartition(config.topic(), 0);
        this.admin = Admin.create(clientProperties(config));
        this.groups = new KafkaConsumerGroups(config, partition);
        this.hanging = new HangingTransactions(admin, config, partition, codec);
    }

    /**
     * Opens the log for writing: creates the topic if it is missing, takes the topic's transactional id (fencing any
     * other writer, and completing or aborting what a previous one left open), then reads the last record back. The
     * order matters: a commit acknowledged to the previous writer becomes visible to readers a moment later (the
     * coordinator writes its markers after answering), and taking the id waits for that.
     */
    public static KafkaChangeLog open(KafkaLogConfig config) {
        return open(config, true);
    }

    /** Opens the log for reading only (replay, a second sync): no writer is fenced; {@link #append} is refused. */
    public static KafkaChangeLog openReadOnly(KafkaLogConfig config) {
        return open(config, false);
    }

    private static KafkaChangeLog open(KafkaLogConfig config, boolean writable) {
        KafkaChangeLog log = new KafkaChangeLog(config, writable);
        try {
            log.ensureTopic();
            if (writable) {
                synchronized (log.appendLock) {
                    log.producer(); // fences, then reads the tail
                }
            } else {
                log.readTail();
            }
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        LOG.info("change log on Kafka topic {} at {}{}: last sequence {}", config.topic(), config.bootstrapServers(),
                writable ? "" : " (read only)", log.lastSeq);
        return log;
    }

    static Properties clientProperties(KafkaLogConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.timeout().toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, config.timeout().toMillis()));
        return p;
    }

    static KafkaConsumer<byte[], byte[]> consumer(KafkaLogConfig config, String group) {
        return consumer(config, group, org.apache.kafka.common.IsolationLevel.READ_COMMITTED); // an aborted append is never read
    }

    static KafkaConsumer<byte[], byte[]> consumer(KafkaLogConfig config, String group, org.apache.kafka.common.IsolationLevel isolation) {
        Properties p = clientProperties(config);
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_RECORD_BYTES);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void ensureTopic() {
        try {
            TopicDescription d = admin.describeTopics(List.of(config.topic())).allTopicNames().get(timeoutMs(), TimeUnit.MILLISECONDS)
                    .get(config.topic());
            if (d.partitions().size() != 1) {
                throw new RheiException("Kafka topic " + config.topic() + " has " + d.partitions().size() + " partitions, but Rhei's change log "
                        + "is one totally ordered partition: name a topic of one partition (or a new one Rhei creates) with log.kafka.topic");
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw unreachable("describe topic " + config.topic(), e.getCause());
            }
            createTopic();
        } catch (TimeoutException e) {
            throw unreachable("describe topic " + config.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RheiException("interrupted while opening Kafka topic " + config.topic(), e);
        }
    }

    private void createTopic() {
        try {
            int brokers = admin.describeCluster().nodes().get(timeoutMs(), TimeUnit.MILLISECONDS).size();
            short replicas = (short) Math.max(1, Math.min(config.replicationFactor(), brokers));
            NewTopic topic = new NewTopic(config.topic(), 1, replicas).configs(Map.of(
                    "max.message.bytes", String.valueOf(MAX_RECORD_BYTES),
                    // with acks=all, an append is durable on this many replicas before it counts
                    "min.insync.replicas", String.valueOf(Math.min(2, (int) replicas))));
            admin.createTopics(List.of(topic)).all().get(timeoutMs(), TimeUnit.MILLISECONDS);
            LOG.info("created Kafka topic {} (1 partition, {} replicas)", config.topic(), replicas);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw unreachable("create topic " + config.topic(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw unreachable("create topic " + config.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RheiException("interrupted while creating Kafka topic " + config.topic(), e);
        }
    }

    /** The sequence counter and the de-duplication watermark, from the topic's last committed record. */
    private void readTail() {
        try (KafkaConsumer<byte[], byte[]> c = consumer(config, null)) {
            c.assign(List.of(partition));
            LogRecord last = new OffsetSearch(c, partition, config.timeout()).lastRecord(codec);
            if (last == null) { // empty, or retention removed every record
                lastSeq = Math.max(lastSeq, 0);
                lastPosition = SourcePosition.NONE;
            } else {
                lastSeq = last.seq();
                lastPosition = last.position();
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable("read the end of topic " + config.topic(), e);
        }
    }

    @Override
    public AppendResult append(List<? extends LogRecord> records) {
        synchronized (appendLock) {
            ensureOpen();
            if (!writable) {
                throw new IllegalStateException("Kafka change log " + config.topic() + " is open for reading only");
            }
            if (fencedBy != null) {
                throw new RheiException(fencedBy);
            }
            if (records.isEmpty()) {
                return new AppendResult(0, 0, 0, 0);
            }
            KafkaProducer<byte[], byte[]> p = producer(); // first, since a new producer reads the counter and watermark again
            // Encode everything first: a record that cannot be encoded fails the call before anything is sent.
            Encoded batch = encodePastTail(records);
            if (batch.records().isEmpty()) {
                return new AppendResult(0, batch.dropped(), 0, 0);
            }
            long first = lastSeq + 1;
            try {
                sendInOneTransaction(p, batch.records());
            } catch (org.apache.kafka.common.errors.ProducerFencedException | org.apache.kafka.common.errors.InvalidProducerEpochException e) {
                fencedBy = "another process took over Kafka topic " + config.topic() + " (transactional id " + transactionalId()
                        + "): this one appends no more; one Rhei writes one log topic (give each its own log.kafka.topic)";
                closeProducer();
                throw new RheiException(fencedBy, e);
            } catch (RuntimeException e) {
                failed(p, e);
                throw new RheiException("appending " + batch.records().size() + " records to Kafka topic " + config.topic() + " at " + config.bootstrapServers()
                        + " failed: " + e.getMessage() + "; nothing of it is visible, and the source retries from what the brokers acknowledged", e);
            }
            lastSeq = first + batch.records().size() - 1;
            lastPosition = batch.lastPosition();
            return new AppendResult(batch.records().size(), batch.dropped(), first, lastSeq);
        }
    }

    /** The records to send for an append: those past the tail's source position, numbered on from the counter. */
    private record Encoded(List<ProducerRecord<byte[], byte[]>> records, int dropped, SourcePosition lastPosition) {
    }

    /**
     * Encodes the records whose source positions lie past the tail's (the others are duplicates, counted as dropped),
     * with the sequence numbers that follow the counter; a record too large for Kafka fails it before anything is sent.
     */
    private Encoded encodePastTail(List<? extends LogRecord> records) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        int dropped = 0;
        long seq = lastSeq;
        SourcePosition watermark = lastPosition;
        for (LogRecord r : records) {
            if (!r.position().isAfter(watermark)) {
                dropped++;
                continue;
            }
            byte[] value = codec.toBytes(r.withSeq(++seq));
            if (value.length > MAX_RECORD_BYTES) {
                throw new io.rhei.core.log.MalformedRecordException("a change of " + r.table() + " encodes to " + value.length
                        + " bytes, more than the " + (MAX_RECORD_BYTES >> 20) + " MiB a Kafka log record may hold; nothing appended");
            }
            out.add(new ProducerRecord<>(config.topic(), 0, KafkaLogRecords.key(r), value));
            watermark = r.position();
        }
        return new Encoded(out, dropped, watermark);
    }

    private static void sendInOneTransaction(KafkaProducer<byte[], byte[]> p, List<ProducerRecord<byte[], byte[]>> records) {
        p.beginTransaction();
        for (ProducerRecord<byte[], byte[]> r : records) {
            p.send(r);
        }
        p.commitTransaction(); // flushes; throws if any record failed
    }

    /**
     * After a failed append: abort it if the producer still can; otherwise (a commit whose outcome is unknown) a new
     * producer next time, whose start completes or aborts the open transaction, and the tail read again.
     */
    private void failed(KafkaProducer<byte[], byte[]> p, RuntimeException cause) {
        try {
            if (!(cause instanceof org.apache.kafka.common.errors.TimeoutException)) {
                p.abortTransaction();
                return;
            }
        } catch (RuntimeException abortFailed) {
            cause.addSuppressed(abortFailed);
        }
        closeProducer(); // the next producer's start ends the open transaction and reads the tail again
    }

    private void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private String transactionalId() {
        return "rhei-log-" + config.topic();
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties p = clientProperties(config);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(60_000, config.timeout().toMillis()));
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.timeout().toMillis());
            p.put(ProducerConfig.LINGER_MS_CONFIG, 0); // each append commits: nothing to wait for
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES + (1 << 20));
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.timeout().toMillis());
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, config.timeout().toMillis()));
            KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            try {
                created.initTransactions(); // fences an older writer, and ends what it left open
            } catch (RuntimeException e) {
                created.close(Duration.ZERO);
                throw unreachable("start a transactional writer of topic " + config.topic(), e);
            }
            // Read after fencing: what an older writer (or this log's previous producer) committed is final now, and
            // its open transaction is aborted; the counter read at open may predate its last appends.
            long committedHere = lastSeq;
            try {
                // markers still on their way get a moment; a transaction open after that has no owner left to end it
                List<LogRecord> held = hanging.settle(Duration.ofMillis(Math.min(5_000, config.timeout().toMillis())));
                readTail();
                if (!held.isEmpty()) {
                    appendAgain(created, held);
                }
                if (lastSeq < committedHere) {
                    awaitTailAtLeast(committedHere);
                }
            } catch (RuntimeException e) {
                created.close(Duration.ZERO);
                lastSeq = Math.max(lastSeq, committedHere);
                throw e;
            }
            producer = created;
        }
        return producer;
    }

    /**
     * Appends again, with the next sequence numbers, the records of aborted hanging transactions whose source positions
     * lie past the committed tail ({@link HangingTransactions}); the others are committed already.
     */
    private void appendAgain(KafkaProducer<byte[], byte[]> p, List<LogRecord> held) {
        Encoded again = encodePastTail(held);
        if (again.records().isEmpty()) {
            return;
        }
        sendInOneTransaction(p, again.records());
        LOG.warn("Kafka topic {}: appended again {} records of the aborted transactions (sequence {} to {})", config.topic(),
                again.records().size(), lastSeq + 1, lastSeq + again.records().size());
        lastSeq += again.records().size();
        lastPosition = again.lastPosition();
    }

    /**
     * This log committed up to {@code seq} itself, yet the topic's tail reads lower: the brokers have not made all of
     * it visible yet (a restarted broker's high watermark catching up). The counter never goes back: a lower one would
     * give the next append's records sequence numbers that committed records already hold.
     */
    private void awaitTailAtLeast(long seq) {
        LOG.warn("Kafka topic {} shows sequence {} as its last, but this process committed up to {}: waiting for the brokers to make it visible",
                config.topic(), lastSeq, seq);
        long deadline = System.nanoTime() + config.timeout().toNanos();
        while (lastSeq < seq) {
            if (System.nanoTime() > deadline) {
                throw new RheiException("Kafka topic " + config.topic() + " shows sequence " + lastSeq + " as its last, but this process "
                        + "committed up to " + seq + ": the brokers lost acknowledged records or have not made them visible within "
                        + config.timeout().toSeconds() + " s (log.kafka.timeout); nothing more is appended until they are");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RheiException("interrupted while reading the end of Kafka topic " + config.topic(), e);
            }
            readTail();
        }
    }

    @Override
    public long lastSeq() {
        return lastSeq;
    }

    @Override
    public SourcePosition lastPosition() {
        return lastPosition;
    }

    @Override
    public long firstSeq() {
        ensureOpen();
        try (KafkaConsumer<byte[], byte[]> c = consumer(config, null)) {
            c.assign(List.of(partition));
            LogRecord first = new OffsetSearch(c, partition, config.timeout()).firstRecord(codec);
            return first == null ? 0 : first.seq();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable("read the start of topic " + config.topic(), e);
        }
    }

    @Override
    public LogReader openReader(long fromSeq) {
        ensureOpen();
        return new KafkaLogReader(config, partition, Math.max(1, fromSeq));
    }

    @Override
    public void markConsumed(String name, long seq) {
        groups.mark(name, seq);
    }

    @Override
    public Map<String, Long> consumers() {
        return groups.positions(admin);
    }

    @Override
    public void removeConsumer(String name) {
        groups.remove(admin, name);
    }

    /** Kafka keeps or deletes the topic's records by its own retention settings. */
    @Override
    public long applyRetention() {
        return 0;
    }

    public KafkaLogConfig config() {
        return config;
    }

    private long timeoutMs() {
        return config.timeout().toMillis();
    }

    private RheiException unreachable(String what, Throwable cause) {
        return new RheiException("cannot " + what + " on Kafka at " + config.bootstrapServers() + " (log.kafka.bootstrap-servers) within "
                + config.timeout().toSeconds() + " s: " + (cause == null ? "timed out" : cause.getMessage())
                + "; check that the brokers run and are reachable", cause);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Kafka change log " + config.topic() + " is closed");
        }
    }

    @Override
    public void close() {
        synchronized (appendLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
            groups.close();
            admin.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public String toString() {
        return "kafka:" + config.bootstrapServers() + "/" + config.topic();
    }
}
