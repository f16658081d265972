package io.rhei;

import io.rhei.core.RheiException;
import io.rhei.core.model.Lsn;
import io.rhei.core.source.ChangeSource;
import io.rhei.core.source.ChangeSource.Watermark;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Read-your-writes: {@link #awaitApplied} returns once every change committed at or before an LSN is applied.
 *
 * <p>The source's watermark says "everything up to LSN w is in the log at or below sequence s"; the sync engine's
 * applied-through sequence says how far the log is applied. So an LSN is applied once a watermark at or past it is,
 * and its sequence is applied. Watermarks come with the heartbeat, and on demand: when the newest one is behind the
 * LSN asked for, a new one is written (one at a time, shared by every waiting caller). That is what makes a commit to
 * a table Rhei does not capture come through at once: no change of it will ever arrive, but the watermark does.
 */
final class Freshness implements io.rhei.core.query.Freshness {
    private static final long REQUEST_AGAIN_NANOS = 200_000_000L;
    private final Supplier<ChangeSource> source;
    private final LongSupplier appliedThroughSeq;
    private final Object requestLock = new Object();
    private long lastRequestedMark = -1;
    private long lastRequestNanos;
    private volatile String lastRequestFailure;

    Freshness(Supplier<ChangeSource> source, LongSupplier appliedThroughSeq) {
        this.source = source;
        this.appliedThroughSeq = appliedThroughSeq;
    }

    /** The LSN through which everything captured is applied (0 before the first watermark). */
    long appliedLsn() {
        Watermark w = source.get().watermark();
        return appliedThroughSeq.getAsLong() >= w.seq() ? w.position() : 0;
    }

    @Override
    public void awaitApplied(long lsn, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ChangeSource s = source.get();
            Watermark w = s.watermark();
            if (w.position() >= lsn) {
                if (appliedThroughSeq.getAsLong() >= w.seq()) {
                    return;
                }
            } else {
                requestMark(s, w, lsn);
            }
            if (System.nanoTime() > deadline) {
                throw new RheiException("changes up to LSN " + Lsn.format(lsn) + " were not applied within " + timeout.toMillis()
                        + " ms: captured through " + Lsn.format(w.position()) + ", log applied through sequence " + appliedThroughSeq.getAsLong()
                        + " of " + w.seq() + (s.failure() != null ? "; capture stopped: " + s.failure().getMessage() : "")
                        + (lastRequestFailure != null ? "; " + lastRequestFailure : "")
                        + " (wait longer, or see health())");
            }
            // a short wait is the point of this call: check every millisecond rather than back off
            Thread.sleep(1);
        }
    }

    /**
     * Writes a watermark unless one at or past {@code lsn} is on its way; while an earlier one is still on its way,
     * waits a moment for it before writing another.
     */
    private void requestMark(ChangeSource s, Watermark current, long lsn) {
        synchronized (requestLock) {
            long now = System.nanoTime();
            if (lastRequestedMark >= lsn) {
                return;
            }
            if (lastRequestedMark > current.position() && now - lastRequestNanos < REQUEST_AGAIN_NANOS) {
                return;
            }
            try {
                lastRequestedMark = s.requestWatermark();
                lastRequestFailure = null;
            } catch (RuntimeException e) {
                lastRequestedMark = -1; // PostgreSQL is away, or the role may not write one: the timeout's message says so
                lastRequestFailure = e.getMessage();
            }
            lastRequestNanos = now;
        }
    }
}
