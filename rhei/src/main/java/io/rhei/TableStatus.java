package io.rhei;

/**
 * One synced table: its rows, the last log sequence and the PostgreSQL LSN applied to it, and why it is paused, if
 * it is.
 *
 * @param appliedLsn the LSN (as PostgreSQL prints it) through which every captured commit is applied to the table;
 *                   {@code 0/0} before a watermark has been seen
 * @param pausedReason null unless the table is paused (its changes wait in the log)
 */
public record TableStatus(String table, long rows, long appliedSeq, String appliedLsn, String pausedReason) {
}
