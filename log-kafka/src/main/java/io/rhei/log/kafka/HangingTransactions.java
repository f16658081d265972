package io.rhei.log.kafka;

import io.rhei.core.RheiException;
import io.rhei.core.log.LogRecordCodec;
import io.rhei.core.model.LogRecord;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Transactions left open on the log's partition with no one to end them. After a broker restart, Kafka's coordinator
 * can record a commit as complete while skipping its marker (the partition had no leader for a moment: "these partitions
 * are likely deleted already and hence can be skipped"). The committed records then stay invisible, and the partition's
 * last stable offset stops there: every read-committed reader stalls, and a writer reading the tail would reuse sequence
 * numbers.
 *
 * <p>Run by the writer once it has fenced every older producer (so no transaction on the partition can still be ended by
 * its owner), and only after the markers had time to land: the records of the open transactions (and every record after
 * them) are read uncommitted, the transactions are aborted through the admin API, and the caller appends again those of
 * the records whose source positions lie beyond the committed tail. That restores a commit whose marker was lost, and
 * a truly unfinished append costs nothing: its records are what the source would deliver again, and de-duplication by
 * source position drops that re-delivery.
 */
final class HangingTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private final Admin admin;
    private final KafkaLogConfig config;
    private final TopicPartition partition;
    private final LogRecordCodec codec;

    HangingTransactions(Admin admin, KafkaLogConfig config, TopicPartition partition, LogRecordCodec codec) {
        this.admin = admin;
        this.config = config;
        this.partition = partition;
        this.codec = codec;
    }

    /**
     * Waits up to {@code grace} for the last stable offset to reach the end; if it does not, aborts the transactions
     * still open and returns the records they and everything after them held, in offset order (empty when none were open).
     */
    List<LogRecord> settle(Duration grace) {
        try {
            if (awaitStable(grace)) {
                return List.of();
            }
            long end = endOffset(IsolationLevel.READ_UNCOMMITTED);
            List<ProducerState> open = admin.describeProducers(List.of(partition)).partitionResult(partition)
                    .get(timeoutMs(), TimeUnit.MILLISECONDS).activeProducers().stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent()).toList();
            if (open.isEmpty()) {
                return List.of(); // ended meanwhile
            }
            long from = open.stream().mapToLong(p -> p.currentTransactionStartOffset().getAsLong()).min().getAsLong();
            List<LogRecord> held = readUncommitted(from, end);
            for (ProducerState p : open) {
                LOG.warn("Kafka topic {}: a transaction of producer {} (epoch {}) open since offset {} has no owner left to end it, and it "
                        + "holds back every read-committed reader; aborting it, then appending again those of the {} records at offsets {} to {} "
                        + "that lie past the committed tail", config.topic(), p.producerId(), p.producerEpoch(),
                        p.currentTransactionStartOffset().getAsLong(), held.size(), from, end - 1);
                admin.abortTransaction(new AbortTransactionSpec(partition, p.producerId(), (short) p.producerEpoch(), p.coordinatorEpoch().orElse(-1)))
                        .all().get(timeoutMs(), TimeUnit.MILLISECONDS);
            }
            if (!awaitStable(config.timeout())) {
                throw new RheiException("Kafka topic " + config.topic() + " still has an open transaction " + config.timeout().toSeconds()
                        + " s after Rhei aborted it (log.kafka.timeout); its readers wait until it ends (kafka-transactions.sh abort)");
            }
            return held;
        } catch (ExecutionException e) {
            throw new RheiException("cannot end the open transactions of Kafka topic " + config.topic() + ": " + e.getCause().getMessage()
                    + "; the topic's readers wait until they end (kafka-transactions.sh abort)", e.getCause());
        } catch (TimeoutException e) {
            throw new RheiException("cannot reach Kafka at " + config.bootstrapServers() + " (log.kafka.bootstrap-servers) within "
                    + config.timeout().toSeconds() + " s to check topic " + config.topic() + " for open transactions", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RheiException("interrupted while checking Kafka topic " + config.topic() + " for open transactions", e);
        }
    }

    /** Whether the last stable offset reaches the end of the partition within {@code within}. */
    private boolean awaitStable(Duration within) throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (endOffset(IsolationLevel.READ_COMMITTED) < endOffset(IsolationLevel.READ_UNCOMMITTED)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private List<LogRecord> readUncommitted(long from, long end) {
        List<LogRecord> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = KafkaChangeLog.consumer(config, null, IsolationLevel.READ_UNCOMMITTED)) {
            c.assign(List.of(partition));
            c.seek(partition, from);
            long deadline = System.nanoTime() + config.timeout().toNanos();
            while (c.position(partition, config.timeout()) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100)).records(partition)) {
                    if (r.offset() < end) {
                        out.add(KafkaLogRecords.decode(r, codec));
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new RheiException("reading the open transactions of Kafka topic " + config.topic() + " from offset " + from
                            + " returned nothing within " + config.timeout().toSeconds() + " s (log.kafka.timeout)");
                }
            }
        }
        return out;
    }

    private long endOffset(IsolationLevel isolation) throws ExecutionException, TimeoutException, InterruptedException {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(isolation)).partitionResult(partition)
                .get(timeoutMs(), TimeUnit.MILLISECONDS).offset();
    }

    private long timeoutMs() {
        return config.timeout().toMillis();
    }
}
