package io.rhei.core.schema;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.model.Unchanged;
import io.rhei.core.model.Values;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shape of one table at one schema version: ordered columns and the primary-key columns.
 * Versions start at 1 and grow by {@link #evolve}; see {@link SchemaEvolution} for the rules.
 * Immutable.
 */
public final class TableSchema {
    private final TableId table;
    private final int version;
    private final List<Column> columns;
    private final List<String> primaryKey;
    private final Map<String, Integer> positions;
    private final int[] keyPositions;

    public TableSchema(TableId table, int version, List<Column> columns, List<String> primaryKey) {
        if (table == null) {
            throw new IllegalArgumentException("table schema needs a table id");
        }
        if (version < 1) {
            throw new IllegalArgumentException("schema version of " + table + " must be >= 1, got " + version);
        }
        if (columns == null || columns.isEmpty()) {
            throw new IllegalArgumentException("table " + table + " has no columns");
        }
        this.table = table;
        this.version = version;
        this.columns = List.copyOf(columns);
        this.primaryKey = List.copyOf(primaryKey == null ? List.of() : primaryKey);
        this.positions = new HashMap<>();
        for (int i = 0; i < this.columns.size(); i++) {
            if (positions.put(this.columns.get(i).name(), i) != null) {
                throw new IllegalArgumentException("table " + table + " has two columns named '" + this.columns.get(i).name() + "'");
            }
        }
        this.keyPositions = new int[this.primaryKey.size()];
        for (int i = 0; i < keyPositions.length; i++) {
            Integer p = positions.get(this.primaryKey.get(i));
            if (p == null) {
                throw new IllegalArgumentException("primary-key column '" + this.primaryKey.get(i) + "' is not a column of " + table);
            }
            keyPositions[i] = p;
        }
    }

    public static Builder builder(TableId table) {
        return new Builder(table);
    }

    public TableId table() {
        return table;
    }

    public int version() {
        return version;
    }

    public List<Column> columns() {
        return columns;
    }

    public int columnCount() {
        return columns.size();
    }

    public Column column(int position) {
        return columns.get(position);
    }

    public List<String> primaryKey() {
        return primaryKey;
    }

    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }

    /** Positions of the primary-key columns, in key order. A copy. */
    public int[] keyPositions() {
        return keyPositions.clone();
    }

    public Optional<Integer> position(String columnName) {
        return Optional.ofNullable(positions.get(columnName));
    }

    public Optional<Column> column(String columnName) {
        Integer p = positions.get(columnName);
        return p == null ? Optional.empty() : Optional.of(columns.get(p));
    }

    /** The primary key of {@code row}, which must be an image in this schema's column order. */
    public RowKey keyOf(Row row) {
        return RowKey.from(row, keyPositions);
    }

    /**
     * Checks a row against this schema: its width, each value's Java class, NOT NULL. {@link Unchanged} is
     * allowed where {@code allowUnchanged} (after images of updates), never in key columns.
     *
     * @throws SchemaException naming the table, column and value that do not fit
     */
    public void validate(Row row, boolean allowUnchanged) {
        if (row.size() != columns.size()) {
            throw new SchemaException("row for " + table + " (schema version " + version + ") has " + row.size()
                    + " values, the schema has " + columns.size() + " columns");
        }
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            Object v = row.get(i);
            if (v == Unchanged.VALUE) {
                if (!allowUnchanged || isKeyPosition(i)) {
                    throw new SchemaException("column " + table + "." + c.name() + " is marked unchanged where a value is required");
                }
            } else if (v == null) {
                if (!c.nullable()) {
                    throw new SchemaException("column " + table + "." + c.name() + " is NOT NULL but the value is NULL");
                }
            } else if (!c.type().accepts(v)) {
                throw new SchemaException("value " + Values.format(v) + " (" + v.getClass().getSimpleName() + ") does not fit column "
                        + table + "." + c.name() + " of type " + c.type());
            }
        }
    }

    private boolean isKeyPosition(int position) {
        for (int k : keyPositions) {
            if (k == position) {
                return true;
            }
        }
        return false;
    }

    /** The next version of this schema with {@code newColumns}, checked against the evolution rules. */
    public TableSchema evolve(List<Column> newColumns) {
        TableSchema next = new TableSchema(table, version + 1, newColumns, primaryKey);
        SchemaEvolution.between(this, next);
        return next;
    }

    /** Same table, columns and key: versions aside, the two describe the same data. */
    public boolean sameShapeAs(TableSchema other) {
        return table.equals(other.table) && columns.equals(other.columns) && primaryKey.equals(other.primaryKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSchema s && version == s.version && sameShapeAs(s);
    }

    @Override
    public int hashCode() {
        return table.hashCode() * 31 + version;
    }

    @Override
    public String toString() {
        return table + " v" + version + " " + columns + " key " + primaryKey;
    }

    /** Fluent construction, mostly for tests and sources. */
    public static final class Builder {
        private final TableId table;
        private final List<Column> columns = new java.util.ArrayList<>();
        private final List<String> key = new java.util.ArrayList<>();
        private int version = 1;

        private Builder(TableId table) {
            this.table = table;
        }

        public Builder version(int version) {
            this.version = version;
            return this;
        }

        /** A primary-key column (NOT NULL). */
        public Builder key(String name, ColumnType type) {
            columns.add(Column.required(name, type));
            key.add(name);
            return this;
        }

        public Builder column(String name, ColumnType type) {
            columns.add(Column.nullable(name, type));
            return this;
        }

        public Builder column(Column column) {
            columns.add(column);
            return this;
        }

        public TableSchema build() {
            return new TableSchema(table, version, columns, key);
        }
    }
}
