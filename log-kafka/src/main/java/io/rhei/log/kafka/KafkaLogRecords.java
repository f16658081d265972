package io.rhei.log.kafka;

import io.rhei.core.log.CorruptRecordException;
import io.rhei.core.log.LogRecordCodec;
import io.rhei.core.model.LogRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * The records of Rhei's log topic, for any Kafka consumer. Each Kafka record is one change-log record:
 * <ul>
 *   <li>key: the table, {@code schema.table} in UTF-8 (for consumers that filter by table without decoding);</li>
 *   <li>value: the change log's own encoding ({@link LogRecordCodec}: format version, sequence number, CRC32C
 *       checksum, then the row change or the table's new schema);</li>
 *   <li>written in Kafka transactions (one per append): read with {@code isolation.level=read_committed}, the
 *       sequence numbers the records carry are gap-free and in offset order (offsets have gaps: commit markers).</li>
 * </ul>
 * {@link #decode} checks the checksum.
 */
public final class KafkaLogRecords {
    private KafkaLogRecords() {
    }

    /** The key Rhei writes for a record. */
    public static byte[] key(LogRecord record) {
        return record.table().toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes one record of the log topic; {@code codec} is the caller's (one per thread). */
    public static LogRecord decode(ConsumerRecord<byte[], byte[]> record, LogRecordCodec codec) {
        byte[] value = record.value();
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (value == null || !codec.checksumMatches(value, 0, value.length)) {
            throw new CorruptRecordException(-1, where, value == null ? "the record has no value" : "checksum mismatch", null);
        }
        LogRecord r;
        try {
            r = codec.decode(value, 0, value.length);
        } catch (RuntimeException e) {
            throw new CorruptRecordException(-1, where, "does not decode: " + e.getMessage(), e);
        }
        return r;
    }
}
