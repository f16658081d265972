package io.rhei.olap.catalog;

import io.rhei.core.model.Row;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;

import java.util.ArrayList;
import java.util.List;

/** One generated catalog table: its schema (keyed by oid where PostgreSQL's is unique) and its rows. */
final class SystemTable {
    private final TableSchema.Builder schema;
    private final List<Row> rows = new ArrayList<>();
    private int columns;

    private SystemTable(TableId id) {
        this.schema = TableSchema.builder(id);
    }

    static SystemTable of(String qualifiedName) {
        return new SystemTable(TableId.parse(qualifiedName));
    }

    SystemTable col(String name, ColumnType type) {
        schema.column(name, type);
        columns++;
        return this;
    }

    /** A primary-key column: the planner then knows a lookup by it returns one row (a scalar subquery's proof). */
    SystemTable key(String name, ColumnType type) {
        schema.key(name, type);
        columns++;
        return this;
    }

    SystemTable text(String... names) {
        for (String n : names) {
            col(n, ColumnType.TEXT);
        }
        return this;
    }

    SystemTable row(Object... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException("catalog row of " + values.length + " values for " + columns + " columns");
        }
        rows.add(Row.of(values));
        return this;
    }

    TableSchema schema() {
        return schema.build();
    }

    List<Row> rows() {
        return rows;
    }
}
