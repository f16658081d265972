package io.rhei.log.kafka;

import io.rhei.core.log.LogReader;
import io.rhei.core.log.LogRecordCodec;
import io.rhei.core.model.LogRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Reads the log topic in sequence order: an assigned, read-committed consumer (no group membership, nothing committed)
 * positioned at the wanted sequence number ({@link OffsetSearch}), or at the topic's start when retention removed it.
 * Records fetched past what a poll asked for wait in a buffer for the next one. A record that fails its checksum, or
 * whose sequence number is not the next one, stops the reader before it.
 */
final class KafkaLogReader implements LogReader {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final LogRecordCodec codec = new LogRecordCodec();
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> fetched = new ArrayDeque<>();
    private long nextSeq;
    private long bytesRead;
    /** Reading from the topic's first offset: its first record may be later than asked for (retention removed those). */
    private boolean fromStart;

    KafkaLogReader(KafkaLogConfig config, TopicPartition partition, long fromSeq) {
        this.partition = partition;
        this.consumer = KafkaChangeLog.consumer(config, null);
        consumer.assign(List.of(partition));
        OffsetSearch search = new OffsetSearch(consumer, partition, config.timeout());
        long offset = search.offsetOf(fromSeq, codec);
        consumer.seek(partition, offset);
        nextSeq = fromSeq;
        fromStart = offset == search.begin();
    }

    @Override
    public int poll(List<LogRecord> into, int max, Duration timeout) {
        if (fetched.isEmpty()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout).records(partition)) {
                fetched.add(r);
            }
        }
        int n = 0;
        while (n < max && !fetched.isEmpty()) {
            ConsumerRecord<byte[], byte[]> r = fetched.peek();
            LogRecord record = KafkaLogRecords.decode(r, codec); // throws before the record is taken: the reader stays before it
            if (record.seq() != nextSeq && !(fromStart && record.seq() > nextSeq)) {
                throw new io.rhei.core.log.CorruptRecordException(nextSeq, r.topic() + "-" + r.partition() + "@" + r.offset(),
                        "holds sequence " + record.seq() + " where " + nextSeq + " comes next", null);
            }
            fromStart = false;
            fetched.poll();
            into.add(record);
            nextSeq = record.seq() + 1;
            bytesRead += r.serializedValueSize();
            n++;
        }
        return n;
    }

    @Override
    public long nextSeq() {
        return nextSeq;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
