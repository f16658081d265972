package io.rhei.log.kafka;

import io.rhei.core.RheiException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Consumers' positions in the log topic as Kafka consumer groups ({@code rhei-<name>}, offset = sequence number), so
 * that Kafka's own tools show each consumer's lag. Informational: a sync resumes from its tables' applied sequences,
 * and Kafka's retention, not these positions, decides what the topic keeps. Commits are at most one a second per
 * consumer (the newest position wins); the last one is committed at close.
 */
final class KafkaConsumerGroups implements AutoCloseable {
    static final String PREFIX = "rhei-";
    private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
    private final KafkaLogConfig config;
    private final TopicPartition partition;
    private final Map<String, KafkaConsumer<byte[], byte[]>> committers = new HashMap<>();
    private final Map<String, Long> pending = new HashMap<>();
    private final Map<String, Long> lastCommit = new HashMap<>();

    KafkaConsumerGroups(KafkaLogConfig config, TopicPartition partition) {
        this.config = config;
        this.partition = partition;
    }

    synchronized void mark(String name, long seq) {
        pending.put(name, seq);
        long now = System.nanoTime();
        Long last = lastCommit.get(name);
        if (last == null || now - last >= MIN_INTERVAL_NANOS) {
            commit(name);
            lastCommit.put(name, now);
        }
    }

    private void commit(String name) {
        Long seq = pending.remove(name);
        if (seq == null) {
            return;
        }
        KafkaConsumer<byte[], byte[]> c = committers.computeIfAbsent(name, n -> KafkaChangeLog.consumer(config, PREFIX + n));
        try {
            c.commitSync(Map.of(partition, new OffsetAndMetadata(seq)), config.timeout());
        } catch (RuntimeException e) {
            pending.putIfAbsent(name, seq); // the next mark or the close tries again
            org.slf4j.LoggerFactory.getLogger(KafkaConsumerGroups.class).warn("cannot commit consumer group {} at {}: {}", PREFIX + name, seq,
                    e.getMessage());
        }
    }

    synchronized Map<String, Long> positions(Admin admin) {
        Map<String, Long> out = new HashMap<>();
        try {
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                if (!g.groupId().startsWith(PREFIX)) {
                    continue;
                }
                OffsetAndMetadata o = admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata()
                        .get(config.timeout().toMillis(), TimeUnit.MILLISECONDS).get(partition);
                if (o != null) {
                    out.put(g.groupId().substring(PREFIX.length()), o.offset());
                }
            }
        } catch (Exception e) {
            throw new RheiException("cannot list the consumer groups of Kafka topic " + config.topic() + ": " + e.getMessage(), e);
        }
        out.putAll(pending);
        return out;
    }

    synchronized void remove(Admin admin, String name) {
        pending.remove(name);
        KafkaConsumer<byte[], byte[]> c = committers.remove(name);
        if (c != null) {
            c.close(Duration.ofSeconds(5));
        }
        try {
            admin.deleteConsumerGroups(List.of(PREFIX + name)).all().get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new RheiException("cannot delete consumer group " + PREFIX + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        for (String name : List.copyOf(pending.keySet())) {
            commit(name);
        }
        committers.values().forEach(c -> c.close(Duration.ofSeconds(5)));
        committers.clear();
    }
}
