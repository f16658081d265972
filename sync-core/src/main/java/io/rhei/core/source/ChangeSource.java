package io.rhei.core.source;

import io.rhei.core.LifecycleState;

/**
 * What feeds the change log: captures committed changes from a database and appends them to a
 * {@link io.rhei.core.log.ChangeLog}, acknowledging its own position only once they are durable there. One use only:
 * after a failure, build a new source, which resumes from its acknowledged position.
 */
public interface ChangeSource extends AutoCloseable {

    /** Starts capturing on threads of the source's own. */
    void start() throws InterruptedException;

    /** Stops capturing; what was appended stays. */
    void stop();

    LifecycleState state();

    /** Why the source failed, when {@link #state()} is {@link LifecycleState#FAILED}; otherwise null. */
    Throwable failure();

    /**
     * The newest point of the source's history known to be wholly in the log: every change the source committed at
     * or before {@link Watermark#position()} is in the log at a sequence at or below {@link Watermark#seq()}.
     * {@link Watermark#NONE} before anything is known.
     */
    Watermark watermark();

    /**
     * Asks the source to mark its history now, so that {@link #watermark()} passes every commit made before this call
     * even when no captured table changes (for PostgreSQL: a logical decoding message). Returns the position of the
     * mark, or -1 when the source cannot mark.
     */
    long requestWatermark();

    @Override
    void close();

    /** A source position (for PostgreSQL, an LSN) and the log sequence that holds everything up to it. */
    record Watermark(long position, long seq) {
        public static final Watermark NONE = new Watermark(0, 0);
    }
}
