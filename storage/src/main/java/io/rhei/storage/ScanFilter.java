package io.rhei.storage;

import java.util.List;

/**
 * A filter a scan may push down to the data files (Vortex evaluates it natively and skips what it rejects). It is
 * a hint, never the whole answer: a scan may return rows the filter rejects, so the query engine keeps its own
 * filter. Values are in Rhei's Java types for the column ({@link io.rhei.core.schema.ColumnType}).
 */
public sealed interface ScanFilter {
    ScanFilter ALL = new All();

    enum Op { EQ, NE, LT, LE, GT, GE }

    /** Every row. */
    record All() implements ScanFilter {
    }

    /** {@code column op value}; rows where the column is NULL are rejected. */
    record Compare(String column, Op op, Object value) implements ScanFilter {
    }

    record IsNull(String column, boolean negated) implements ScanFilter {
    }

    /** Every term holds. */
    record And(List<ScanFilter> terms) implements ScanFilter {
    }

    /** Some term holds. */
    record Or(List<ScanFilter> terms) implements ScanFilter {
    }

    static ScanFilter and(List<ScanFilter> terms) {
        List<ScanFilter> kept = terms.stream().filter(t -> !(t instanceof All)).toList();
        return kept.isEmpty() ? ALL : kept.size() == 1 ? kept.get(0) : new And(kept);
    }
}
