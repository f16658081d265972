package io.rhei.olap.physical;

import io.rhei.storage.ScanFilter;
import org.apache.calcite.sql.type.SqlTypeName;

import java.util.ArrayList;
import java.util.List;

/**
 * How a stage in shares by key range ({@link KeyRangeShares}) divides one table's rows: share {@code i} of
 * {@code shares} keeps the rows whose integer {@code column} lies in {@code [from + i * width, from + (i + 1) * width)},
 * the first share everything below (and NULL, when {@code nullable}), the last everything above. Given to the table's scan as a filter hint,
 * so that files outside a share's range are skipped; the native filter of the stage keeps exactly the share's rows.
 */
public record KeyRange(String column, SqlTypeName type, boolean nullable, long from, long width, int shares) {

    /** The filter hint for share {@code share}'s scan. */
    public ScanFilter filterFor(int share) {
        List<ScanFilter> terms = new ArrayList<>();
        if (share > 0) {
            terms.add(new ScanFilter.Compare(column, ScanFilter.Op.GE, value(from + share * width)));
        }
        if (share < shares - 1) {
            ScanFilter below = new ScanFilter.Compare(column, ScanFilter.Op.LT, value(from + (share + 1) * width));
            // a NULL key is the first share's: its files are read by it too
            terms.add(share == 0 && nullable ? new ScanFilter.Or(List.of(below, new ScanFilter.IsNull(column, false))) : below);
        }
        return ScanFilter.and(terms);
    }

    /** {@code v} as the column's Java type; the bounds lie within the column's values, so they fit it. */
    private Object value(long v) {
        return switch (type) {
            case SMALLINT -> (short) v;
            case INTEGER -> (int) v;
            default -> v;
        };
    }
}
