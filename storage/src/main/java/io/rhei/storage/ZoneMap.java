package io.rhei.storage;

import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The smallest and largest value of the integer and date columns of one in-memory file, each computed the first time
 * a filter asks about its column and kept (the file never changes): a scan skips a file no row of which can satisfy
 * its filter. Deleted rows count too, which only makes a range wider. Worth most where rows arrive in the order of a
 * key (orders by order number, events by time) and a query, or a share of one, reads a range of it.
 */
final class ZoneMap {
    /** A column's range; {@code empty} when every value is NULL; {@code nulls} when some is. */
    private record Range(long min, long max, boolean empty, boolean nulls) {
    }

    private final VectorSchemaRoot root;
    private final Map<String, Optional<Range>> ranges = new ConcurrentHashMap<>();

    ZoneMap(VectorSchemaRoot root) {
        this.root = root;
    }

    /** False only when no row of the file satisfies {@code filter}; true when some may, or when it cannot tell. */
    boolean mayMatch(ScanFilter filter) {
        if (filter instanceof ScanFilter.And and) {
            return and.terms().stream().allMatch(this::mayMatch);
        }
        if (filter instanceof ScanFilter.Or or) {
            return or.terms().stream().anyMatch(this::mayMatch);
        }
        if (filter instanceof ScanFilter.IsNull n) {
            Optional<Range> known = ranges.computeIfAbsent(n.column(), this::range);
            return known.isEmpty() || (n.negated() ? !known.get().empty() : known.get().nulls());
        }
        if (!(filter instanceof ScanFilter.Compare c)) {
            return true;
        }
        Long value = asLong(c.value());
        Optional<Range> known = value == null ? Optional.empty() : ranges.computeIfAbsent(c.column(), this::range);
        if (known.isEmpty()) {
            return true;
        }
        Range r = known.get();
        if (r.empty()) {
            return false; // a comparison rejects NULL, and every value is NULL
        }
        long v = value;
        return switch (c.op()) {
            case EQ -> r.min() <= v && v <= r.max();
            case NE -> !(r.min() == v && r.max() == v);
            case LT -> r.min() < v;
            case LE -> r.min() <= v;
            case GT -> r.max() > v;
            case GE -> r.max() >= v;
        };
    }

    /** A comparison's value on the scale the column's range is kept in; null for values of other types. */
    private static Long asLong(Object value) {
        if (value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof LocalDate d) {
            return d.toEpochDay();
        }
        return null;
    }

    private Optional<Range> range(String column) {
        FieldVector v = root.getVector(column);
        if (!(v instanceof BaseIntVector) && !(v instanceof DateDayVector)) {
            return Optional.empty();
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        boolean any = false;
        boolean nulls = false;
        int rows = root.getRowCount();
        for (int i = 0; i < rows; i++) {
            if (v.isNull(i)) {
                nulls = true;
                continue;
            }
            long x = v instanceof DateDayVector d ? d.get(i) : ((BaseIntVector) v).getValueAsLong(i);
            min = Math.min(min, x);
            max = Math.max(max, x);
            any = true;
        }
        return Optional.of(new Range(min, max, !any, nulls));
    }
}
