package io.rhei.core.model;

/**
 * Where an event came from in the source's history, and its total order there.
 *
 * <p>For PostgreSQL: {@code commitLsn} is the commit LSN of the previous transaction and {@code lsn}
 * the LSN of this change (Debezium's {@code source.sequence}); {@code sub} numbers the records that share
 * both (snapshot rows, the delete and create of a primary-key change). {@code source.lsn} alone is not
 * monotonic because interleaved transactions commit out of LSN order; this triple is. LSNs compare
 * unsigned. Re-delivered events carry identical positions, which is what lets the log drop them.
 */
public record SourcePosition(long commitLsn, long lsn, int sub) implements Comparable<SourcePosition> {
    /** Below every real position: the log's watermark before its first append. */
    public static final SourcePosition NONE = new SourcePosition(0, 0, -1);

    @Override
    public int compareTo(SourcePosition o) {
        int c = Long.compareUnsigned(commitLsn, o.commitLsn);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(lsn, o.lsn);
        return c != 0 ? c : Integer.compare(sub, o.sub);
    }

    public boolean isAfter(SourcePosition o) {
        return compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(commitLsn) + ":" + Long.toUnsignedString(lsn) + ":" + sub;
    }
}
