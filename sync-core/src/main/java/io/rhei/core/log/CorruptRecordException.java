package io.rhei.core.log;

import io.rhei.core.RheiException;

/**
 * A log record whose bytes fail their checksum or do not decode. Never skipped: the reader stops here and
 * the message says where (sequence number expected, queue index, file).
 */
public class CorruptRecordException extends RheiException {
    private final long expectedSeq;
    private final String location;

    public CorruptRecordException(long expectedSeq, String location, String detail, Throwable cause) {
        super("corrupt change-log record at " + location + " (expected sequence " + expectedSeq + "): " + detail, cause);
        this.expectedSeq = expectedSeq;
        this.location = location;
    }

    /** The sequence number the corrupt record should hold, derived from its neighbours. */
    public long expectedSeq() {
        return expectedSeq;
    }

    /** Where the record is, e.g. {@code index 0x4a5f00000012 in 20261125-06.cq4}. */
    public String location() {
        return location;
    }
}
