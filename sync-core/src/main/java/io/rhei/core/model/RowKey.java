package io.rhei.core.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * Primary-key values of one row, in the order of the table's primary-key columns (a keyless table's rows use the
 * whole row). Immutable. Decimals are compared by value, not by scale: 1.5 and 1.50 are the same key, since the
 * same number arrives with different scales from PostgreSQL and from a column read back from storage.
 */
public final class RowKey {
    private final Object[] values;
    private final int hash;

    private RowKey(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof java.math.BigDecimal d) {
                values[i] = d.signum() == 0 ? java.math.BigDecimal.ZERO : d.stripTrailingZeros();
            }
        }
        this.values = values;
        this.hash = Arrays.deepHashCode(values);
    }

    public static RowKey of(Object... values) {
        return new RowKey(values.clone());
    }

    /** Takes ownership of {@code values}. */
    public static RowKey wrap(Object[] values) {
        return new RowKey(Objects.requireNonNull(values, "key values"));
    }

    /** The key of {@code row} given the positions of the key columns in it. */
    public static RowKey from(Row row, int[] keyColumns) {
        Object[] v = new Object[keyColumns.length];
        for (int i = 0; i < keyColumns.length; i++) {
            v[i] = row.get(keyColumns[i]);
        }
        return new RowKey(v);
    }

    /** A copy of the key's values. */
    public Object[] toArray() {
        Object[] out = new Object[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = get(i);
        }
        return out;
    }

    public int size() {
        return values.length;
    }

    public Object get(int i) {
        return values[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowKey other && hash == other.hash && Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Values.format(values);
    }
}
