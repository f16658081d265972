package io.rhei.core.model;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A table's identity, {@code schema.table} as PostgreSQL names it. Names are kept exactly as given
 * (PostgreSQL folds unquoted names to lower case before they reach us).
 */
public final class TableId implements Comparable<TableId> {
    private final String schema;
    private final String table;
    private final String qualified;
    private final byte[] utf8;

    private TableId(String schema, String table) {
        this.schema = requireName(schema, "schema");
        this.table = requireName(table, "table");
        this.qualified = schema + "." + table;
        this.utf8 = qualified.getBytes(StandardCharsets.UTF_8);
    }

    public static TableId of(String schema, String table) {
        return new TableId(schema, table);
    }

    /** Parses {@code schema.table}; the first dot separates the two (schema names with dots are not supported). */
    public static TableId parse(String qualified) {
        Objects.requireNonNull(qualified, "table id");
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("table id must be 'schema.table', got '" + qualified + "'");
        }
        return new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    private static String requireName(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " name must not be empty");
        }
        return name;
    }

    public String schema() {
        return schema;
    }

    public String table() {
        return table;
    }

    /**
     * The UTF-8 bytes of {@code schema.table}. Shared, not copied, because the log encodes them for every
     * record: callers must not modify the array.
     */
    public byte[] utf8() {
        return utf8;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableId other && qualified.equals(other.qualified);
    }

    @Override
    public int hashCode() {
        return qualified.hashCode();
    }

    @Override
    public int compareTo(TableId o) {
        return qualified.compareTo(o.qualified);
    }

    @Override
    public String toString() {
        return qualified;
    }
}
