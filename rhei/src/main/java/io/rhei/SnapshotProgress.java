package io.rhei;

import java.util.List;

/**
 * How far the initial snapshot is: per table, the rows read so far against PostgreSQL's estimate of its rows
 * ({@code pg_class.reltuples}, or the planner's guess for a table never analyzed), the rate, and the time left at
 * that rate. Rows read by this process only: after a restart, a resumed snapshot counts from the chunk it resumed at.
 *
 * @param tablesRemaining tables not read completely yet (0 when done, or when there is no initial snapshot)
 * @param rowsPerSecond   rows read per second since this process read its first (0 before)
 * @param secondsLeft     estimated rows still to read over the rate; -1 when unknown
 */
public record SnapshotProgress(int tablesTotal, int tablesRemaining, long rowsRead, long rowsEstimated, double rowsPerSecond,
                               long secondsLeft, List<Table> tables) {
    /**
     * @param rowsEstimated -1 when PostgreSQL has no estimate
     */
    public record Table(String table, long rowsRead, long rowsEstimated) {
        /** Percent read, below 100 until the snapshot says the table is done (estimates are approximate); -1 when unknown. */
        public int percent(boolean snapshotDone) {
            if (snapshotDone) {
                return 100;
            }
            return rowsEstimated <= 0 ? -1 : (int) Math.min(99, rowsRead * 100 / rowsEstimated);
        }
    }

    public boolean done() {
        return tablesRemaining == 0;
    }

    /** One line: {@code initial snapshot: 2 of 4 tables to read, 452,000 of about 1,000,000 rows (45%), 15,000 rows/s, about 37 s left}. */
    public String describe() {
        if (done()) {
            return String.format(java.util.Locale.ROOT, "initial snapshot done: %d tables, %,d rows read by this process", tablesTotal, rowsRead);
        }
        String of = rowsEstimated > 0 ? String.format(java.util.Locale.ROOT, "%,d of about %,d rows (%d%%)", rowsRead, rowsEstimated,
                Math.min(99, rowsRead * 100 / rowsEstimated)) : String.format(java.util.Locale.ROOT, "%,d rows", rowsRead);
        return String.format(java.util.Locale.ROOT, "initial snapshot: %d of %d tables to read, %s, %,.0f rows/s%s", tablesRemaining, tablesTotal, of,
                rowsPerSecond, secondsLeft >= 0 ? ", about " + secondsLeft + " s left" : "");
    }
}
