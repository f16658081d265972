package io.rhei.core.log;

import io.rhei.core.model.LogRecord;

import java.time.Duration;
import java.util.List;

/** Reads the change log in sequence order from where it was opened. One thread at a time. */
public interface LogReader extends AutoCloseable {

    /**
     * Adds up to {@code max} records to {@code into}, waiting up to {@code timeout} for the first one when none
     * is available yet.
     *
     * @return how many records were added (0 on timeout)
     * @throws CorruptRecordException at a record that fails its checksum or does not decode; the reader stays
     *                                before it, so calling again fails again rather than skipping it
     */
    int poll(List<LogRecord> into, int max, Duration timeout) throws InterruptedException;

    /** The sequence number of the next record this reader returns. */
    long nextSeq();

    /** Total encoded bytes of the records returned so far. */
    long bytesRead();

    @Override
    void close();
}
