package io.rhei.core.query;

import java.time.Duration;

/**
 * Read-your-writes for query servers: waits until every change the source committed at or before a position (for
 * PostgreSQL, an LSN from {@code pg_current_wal_insert_lsn()}) has been applied, so the next query sees it.
 */
@FunctionalInterface
public interface Freshness {

    /**
     * Returns once everything committed at or before {@code position} is applied.
     *
     * @throws io.rhei.core.RheiException naming the position, what is applied and why, when {@code timeout} passes first
     */
    void awaitApplied(long position, Duration timeout) throws InterruptedException;

    /** For servers over tables nobody syncs (a replay, a test): there is nothing to wait for. */
    Freshness NONE = (position, timeout) -> { };
}
