package io.rhei.core.model;

import java.util.Arrays;
import java.util.Objects;

/** Primary-key values of one row, in the order of the table's primary-key columns. Immutable. */
public final class RowKey {
    private final Object[] values;
    private final int hash;

    private RowKey(Object[] values) {
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
