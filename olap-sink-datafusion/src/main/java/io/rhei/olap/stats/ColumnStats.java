package io.rhei.olap.stats;

/**
 * What the planner knows of one column: its number of distinct non-null values, how many of its rows are NULL and,
 * for numbers and dates, the smallest and largest value (as doubles; dates in days since 1970-01-01, times and
 * timestamps in microseconds). Counted over {@code rows} rows of the table.
 */
public record ColumnStats(long rows, long distinct, long nulls, double min, double max) {
    /** Whether {@link #min} and {@link #max} are known (numbers, dates and times with at least one value). */
    public boolean hasRange() {
        return !Double.isNaN(min) && !Double.isNaN(max);
    }

    /** The share of rows that are NULL. */
    public double nullFraction() {
        return rows == 0 ? 0 : (double) nulls / rows;
    }
}
