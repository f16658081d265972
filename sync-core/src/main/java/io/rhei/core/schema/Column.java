package io.rhei.core.schema;

import io.rhei.core.model.Values;

/**
 * One column: name, type, nullability, and the value rows written before the column existed read as
 * ({@code defaultValue}; PostgreSQL's {@code ADD COLUMN ... DEFAULT x} gives old rows that value, and
 * no change event is sent for them).
 */
public record Column(String name, ColumnType type, boolean nullable, Object defaultValue) {
    public Column {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("column name must not be empty");
        }
        if (type == null) {
            throw new IllegalArgumentException("column '" + name + "' has no type");
        }
        if (!type.accepts(defaultValue)) {
            throw new IllegalArgumentException("default value " + Values.format(defaultValue) + " of column '" + name
                    + "' is not a valid " + type);
        }
    }

    public static Column of(String name, ColumnType type, boolean nullable) {
        return new Column(name, type, nullable, null);
    }

    public static Column nullable(String name, ColumnType type) {
        return new Column(name, type, true, null);
    }

    public static Column required(String name, ColumnType type) {
        return new Column(name, type, false, null);
    }

    public Column withType(ColumnType newType) {
        return new Column(name, newType, nullable, defaultValue);
    }

    @Override
    public boolean equals(Object o) {
        // Default values may be byte[]: compare them by content.
        return o instanceof Column c && name.equals(c.name) && type.equals(c.type) && nullable == c.nullable
                && java.util.Objects.deepEquals(defaultValue, c.defaultValue);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, type, nullable, java.util.Arrays.deepHashCode(new Object[] {defaultValue}));
    }

    @Override
    public String toString() {
        return name + " " + type + (nullable ? "" : " NOT NULL") + (defaultValue == null ? "" : " DEFAULT " + Values.format(defaultValue));
    }
}
