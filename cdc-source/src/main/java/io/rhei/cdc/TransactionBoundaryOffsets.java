package io.rhei.cdc;

import io.debezium.engine.DebeziumEngine;

import java.util.Map;

/**
 * Rewrites the Debezium PostgreSQL offset Rhei acknowledges so that a restart re-reads whole transactions.
 *
 * <p><b>Why.</b> Debezium 3.6's offset names the last change processed ({@code lsn}, {@code lsn_proc}). On restart
 * it searches the stream for that LSN and drops everything up to it ({@code WalPositionLocator}). LSNs are unique
 * only within a transaction, and a COMMIT's end LSN can equal the first change of a transaction that was still open
 * when it committed; the search then matches the wrong message and silently drops changes of that open
 * transaction (debezium/dbz#76, fixed only in 3.7; it lost one update in Rhei's SidecarCrashTest).
 *
 * <p><b>What.</b> Rhei does not need Debezium to find the exact change: its change log drops re-delivered records
 * by source position. So the acknowledged offset keeps {@code lsn_commit} (the commit of the last transaction
 * wholly processed, which is also what Debezium flushes to the slot) and moves {@code lsn} back to it, and it drops
 * {@code lsn_proc}, which switches Debezium's search off. A restart then streams from that commit: PostgreSQL sends
 * every later transaction in full, and the log keeps exactly the records it did not have. The records re-read this
 * way carry the same {@code source.sequence} as the first time, because their first element is the same
 * {@code lsn_commit}. Snapshot offsets and streaming offsets without a commit yet are passed on unchanged, apart
 * from {@code lsn_proc}.
 *
 * <p><b>Incremental snapshots.</b> The offset of a chunk row says {@code snapshot=INCREMENTAL} (and, after a start
 * without a blocking snapshot, not {@code snapshot_completed}). Loaded as it is, Debezium takes it for an unfinished
 * <em>blocking</em> snapshot and leaves the incremental snapshot's position out of every offset until the next chunk,
 * so a second restart in that gap would forget the snapshot (found by CaptureCrashTest). Rhei drops that key: the
 * position of the incremental snapshot ({@code incremental_snapshot_*}) is all a restart needs.
 */
final class TransactionBoundaryOffsets {
    static final String LSN = "lsn";
    static final String LAST_COMMIT_LSN = "lsn_commit";
    static final String LAST_COMPLETELY_PROCESSED_LSN = "lsn_proc";
    static final String SNAPSHOT = "snapshot";
    static final String INCREMENTAL = "INCREMENTAL";

    private TransactionBoundaryOffsets() {
    }

    /** Fills {@code target} with {@code offset} rewritten to the last transaction boundary it covers. */
    static void rewrite(Map<String, ?> offset, DebeziumEngine.Offsets target) {
        Object lastCommit = offset.get(LAST_COMMIT_LSN);
        boolean incremental = INCREMENTAL.equals(offset.get(SNAPSHOT));
        for (Map.Entry<String, ?> e : offset.entrySet()) {
            String key = e.getKey();
            if (key.equals(LAST_COMPLETELY_PROCESSED_LSN) || incremental && key.equals(SNAPSHOT)) {
                continue;
            }
            target.set(key, key.equals(LSN) && lastCommit != null ? lastCommit : e.getValue());
        }
    }
}
