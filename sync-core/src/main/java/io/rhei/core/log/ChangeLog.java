package io.rhei.core.log;

import io.rhei.core.model.LogRecord;
import io.rhei.core.model.SourcePosition;

import java.util.List;
import java.util.Map;

/**
 * The durable, ordered record of every captured change: what the sync engine reads and what a replay
 * rebuilds from.
 *
 * <p><b>Sequence numbers</b> are assigned at append: 1, 2, 3, ... with no gaps and never reused.
 * <p><b>Exactly once in:</b> a record whose source position is at or below the last appended one is dropped,
 * because sources re-deliver after a restart (at-least-once) with identical positions.
 * <p><b>Durability:</b> {@link #append} returns after the records are on disk when the implementation's fsync
 * policy says so; only then may the source acknowledge them.
 * <p>One appender at a time (appends are serialized); any number of readers.
 */
public interface ChangeLog extends AutoCloseable {

    /**
     * Appends {@code records} in order, assigning sequence numbers and dropping duplicates by source position.
     * All records are encoded before any is written, so a record that cannot be encoded fails the whole call
     * and writes nothing.
     *
     * @throws MalformedRecordException when a record cannot be encoded (names table and value)
     * @throws ChangeLogFullException when the log's disk is too full to append safely
     */
    AppendResult append(List<? extends LogRecord> records);

    /** The sequence number of the last record appended, 0 when the log is empty. */
    long lastSeq();

    /** The source position of the last record appended, {@link SourcePosition#NONE} when empty. */
    SourcePosition lastPosition();

    /** The sequence number of the oldest record still held (retention removes older ones), 0 when empty. */
    long firstSeq();

    /**
     * A reader positioned at the first record whose sequence number is at least {@code fromSeq}.
     * Reading a position retention already removed starts at {@link #firstSeq()}: callers that need the
     * exact record check {@link LogReader#nextSeq()}.
     */
    LogReader openReader(long fromSeq);

    /**
     * Records that consumer {@code name} no longer needs records up to {@code seq}; retention keeps every
     * record some registered consumer still needs. Durable (survives restart).
     */
    void markConsumed(String name, long seq);

    /** The consumers and the sequence each has marked. */
    Map<String, Long> consumers();

    /** Forgets a consumer, so it no longer holds retention back. */
    void removeConsumer(String name);

    /**
     * Deletes whole segments whose records every registered consumer has passed and that are older than the
     * configured retention period. Never deletes the newest segment; with no consumers, deletes nothing.
     *
     * @return the number of records removed
     */
    long applyRetention();

    @Override
    void close();

    /** What one {@link #append} did. {@code firstSeq..lastSeq} were assigned (both 0 when nothing was appended). */
    record AppendResult(int appended, int droppedDuplicates, long firstSeq, long lastSeq) {
    }
}
