package io.rhei.core.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One row image: values in the column order of the table schema version the event was captured with.
 * Java types per column type are listed in {@link io.rhei.core.schema.ColumnType}; {@code null} is SQL NULL
 * and {@link Unchanged#VALUE} marks a column the source did not send. Immutable: the array is never exposed.
 */
public final class Row {
    private final Object[] values;

    private Row(Object[] values) {
        this.values = values;
    }

    public static Row of(Object... values) {
        return new Row(values.clone());
    }

    /** Takes ownership of {@code values}: the caller must not touch the array afterwards. */
    public static Row wrap(Object[] values) {
        return new Row(Objects.requireNonNull(values, "values"));
    }

    public int size() {
        return values.length;
    }

    public Object get(int column) {
        return values[column];
    }

    public boolean isUnchanged(int column) {
        return values[column] == Unchanged.VALUE;
    }

    public boolean hasUnchanged() {
        for (Object v : values) {
            if (v == Unchanged.VALUE) {
                return true;
            }
        }
        return false;
    }

    /** This row with every {@link Unchanged} column taken from {@code previous} (which may itself hold some). */
    public Row fillUnchangedFrom(Row previous) {
        if (!hasUnchanged()) {
            return this;
        }
        Object[] merged = values.clone();
        for (int i = 0; i < merged.length; i++) {
            if (merged[i] == Unchanged.VALUE && i < previous.values.length) {
                merged[i] = previous.values[i];
            }
        }
        return new Row(merged);
    }

    /** A copy of the values, for callers that build new rows from this one. */
    public Object[] toArray() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row other && Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return Values.format(values);
    }
}
