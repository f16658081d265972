package io.rhei.core.schema;

import io.rhei.core.model.Row;
import io.rhei.core.model.Unchanged;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules by which a table's schema may change without rewriting data already stored:
 * <ul>
 *   <li><b>add column</b>: rows stored before read it as the column's default value (NULL unless given);
 *       a NOT NULL column added without a default is refused;</li>
 *   <li><b>drop column</b>: stored values are projected away on read; key columns cannot be dropped;</li>
 *   <li><b>widen type</b>: {@link ColumnType#canWidenTo} (int2 to int4 to int8, float4 to float8, integers to
 *       wide enough numerics, numeric to a numeric with no fewer integer or fraction digits); stored values
 *       convert exactly on read;</li>
 *   <li>the primary key, column renames and any other type change are refused: a renamed column would look
 *       like a drop plus an add and silently lose its values, so a change that drops and adds in one step is
 *       refused too. Such tables need a resync.</li>
 * </ul>
 * Column order may change; columns are matched by name.
 */
public final class SchemaEvolution {
    private final TableSchema from;
    private final TableSchema to;
    private final List<Column> added;
    private final List<Column> dropped;
    private final List<Column> widened;

    private SchemaEvolution(TableSchema from, TableSchema to, List<Column> added, List<Column> dropped, List<Column> widened) {
        this.from = from;
        this.to = to;
        this.added = List.copyOf(added);
        this.dropped = List.copyOf(dropped);
        this.widened = List.copyOf(widened);
    }

    /**
     * The change from {@code from} to {@code to}, checked.
     *
     * @throws SchemaException naming the table, column and types where the change breaks a rule
     */
    public static SchemaEvolution between(TableSchema from, TableSchema to) {
        String table = from.table().toString();
        if (!from.table().equals(to.table())) {
            throw new SchemaException("schema of " + to.table() + " cannot replace the schema of " + table);
        }
        if (to.version() <= from.version()) {
            throw new SchemaException("schema version of " + table + " must grow: " + from.version() + " -> " + to.version());
        }
        if (!from.primaryKey().equals(to.primaryKey())) {
            throw new SchemaException("primary key of " + table + " changed from " + from.primaryKey() + " to " + to.primaryKey()
                    + ": not supported without a resync of the table");
        }
        List<Column> added = new ArrayList<>();
        List<Column> widened = new ArrayList<>();
        for (Column c : to.columns()) {
            Column old = from.column(c.name()).orElse(null);
            if (old == null) {
                if (!c.nullable() && c.defaultValue() == null) {
                    throw new SchemaException("column " + table + "." + c.name() + " was added NOT NULL without a default:"
                            + " rows stored before it have no value for it");
                }
                added.add(c);
            } else if (!old.type().equals(c.type())) {
                if (!old.type().canWidenTo(c.type())) {
                    throw new SchemaException("column " + table + "." + c.name() + " changed type from " + old.type() + " to "
                            + c.type() + ": only widening changes are supported without a resync of the table");
                }
                widened.add(c);
            }
        }
        List<Column> dropped = new ArrayList<>();
        for (Column c : from.columns()) {
            if (to.column(c.name()).isEmpty()) {
                dropped.add(c);
            }
        }
        if (!added.isEmpty() && !dropped.isEmpty()) {
            throw new SchemaException("schema change of " + table + " drops " + names(dropped) + " and adds " + names(added)
                    + " at once; a column rename cannot be told apart from this and would lose its values:"
                    + " resync the table");
        }
        return new SchemaEvolution(from, to, added, dropped, widened);
    }

    private static List<String> names(List<Column> columns) {
        return columns.stream().map(Column::name).toList();
    }

    public TableSchema from() {
        return from;
    }

    public TableSchema to() {
        return to;
    }

    public List<Column> added() {
        return added;
    }

    public List<Column> dropped() {
        return dropped;
    }

    public List<Column> widened() {
        return widened;
    }

    /**
     * A row stored under schema {@code stored} as it reads under schema {@code current}: columns matched by
     * name, added ones take their default, dropped ones go, widened ones convert. {@link Unchanged} stays.
     */
    public static Row project(Row row, TableSchema stored, TableSchema current) {
        if (stored.version() == current.version()) {
            return row;
        }
        Object[] out = new Object[current.columnCount()];
        for (int i = 0; i < out.length; i++) {
            Column c = current.column(i);
            Integer p = stored.position(c.name()).orElse(null);
            if (p == null) {
                out[i] = c.defaultValue();
            } else {
                Object v = row.get(p);
                out[i] = v == Unchanged.VALUE ? v : widen(v, stored.column(p).type(), c.type());
            }
        }
        return Row.wrap(out);
    }

    /** Converts a value of type {@code from} to the wider type {@code to}, exactly. */
    public static Object widen(Object value, ColumnType from, ColumnType to) {
        if (value == null || from.equals(to)) {
            return value;
        }
        if (!from.canWidenTo(to)) {
            throw new SchemaException("cannot widen " + from + " to " + to);
        }
        switch (to.kind()) {
            case INT32:
                return ((Number) value).intValue();
            case INT64:
                return ((Number) value).longValue();
            case FLOAT32:
                return ((Number) value).floatValue();
            case FLOAT64:
                // float to double is exact through the float's own decimal string, as PostgreSQL does.
                return value instanceof Float f ? Double.valueOf(f.toString()) : ((Number) value).doubleValue();
            case DECIMAL: {
                BigDecimal d = value instanceof BigDecimal b ? b : BigDecimal.valueOf(((Number) value).longValue());
                return d.setScale(to.scale());
            }
            default:
                throw new SchemaException("no widening of " + from + " to " + to);
        }
    }

    @Override
    public String toString() {
        return from.table() + " v" + from.version() + " -> v" + to.version() + ": added " + names(added) + ", dropped "
                + names(dropped) + ", widened " + names(widened);
    }
}
