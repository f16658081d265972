package io.rhei.log.kafka;

import io.rhei.core.RheiException;
import io.rhei.core.log.LogRecordCodec;
import io.rhei.core.model.LogRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;

/**
 * Finding records of the log topic by offset with an assigned, read-committed consumer: the first, the last, and the
 * first holding a sequence number at least a given one. Offsets are not sequence numbers (each append's commit marker
 * takes an offset), but both grow together, and a record of sequence s sits at offset s - 1 or later.
 */
final class OffsetSearch {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final Duration timeout;
    private final long begin;
    private final long end;

    OffsetSearch(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, Duration timeout) {
        this.consumer = consumer;
        this.partition = partition;
        this.timeout = timeout;
        this.begin = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
        this.end = consumer.endOffsets(List.of(partition), timeout).get(partition); // read committed: the last stable offset
    }

    long begin() {
        return begin;
    }

    LogRecord firstRecord(LogRecordCodec codec) {
        ConsumerRecord<byte[], byte[]> r = firstAtOrAfter(begin);
        return r == null ? null : KafkaLogRecords.decode(r, codec);
    }

    /** The last committed record, looking back from the end in growing steps (commit markers and aborted records have none). */
    LogRecord lastRecord(LogRecordCodec codec) {
        for (long back = 16; ; back *= 16) {
            long from = Math.max(begin, end - back);
            ConsumerRecord<byte[], byte[]> last = null;
            consumer.seek(partition, from);
            while (consumer.position(partition, timeout) < end) {
                for (ConsumerRecord<byte[], byte[]> r : poll()) {
                    last = r;
                }
            }
            if (last != null) {
                return KafkaLogRecords.decode(last, codec);
            }
            if (from == begin) {
                return null;
            }
        }
    }

    /** The offset to seek to so that the first record read holds {@code seq} or the next one after it. */
    long offsetOf(long seq, LogRecordCodec codec) {
        long lo = Math.max(begin, Math.min(end, seq - 1));
        long hi = end;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            ConsumerRecord<byte[], byte[]> r = firstAtOrAfter(mid);
            if (r == null || KafkaLogRecords.decode(r, codec).seq() >= seq) {
                hi = mid;
            } else {
                lo = r.offset() + 1;
            }
        }
        return lo;
    }

    private ConsumerRecord<byte[], byte[]> firstAtOrAfter(long offset) {
        consumer.seek(partition, offset);
        while (consumer.position(partition, timeout) < end) {
            for (ConsumerRecord<byte[], byte[]> r : poll()) {
                return r;
            }
        }
        return null;
    }

    private List<ConsumerRecord<byte[], byte[]>> poll() {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(Duration.ofMillis(100)).records(partition);
            if (!records.isEmpty() || consumer.position(partition, timeout) >= end) {
                return records;
            }
            if (System.nanoTime() > deadline) {
                throw new RheiException("reading Kafka topic " + partition.topic() + " at offset " + consumer.position(partition)
                        + " returned nothing within " + timeout.toSeconds() + " s (log.kafka.timeout)");
            }
        }
    }
}
