package io.rhei.testing;

import io.rhei.core.model.Row;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableSink;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * TPC-H data from the reference generator ({@code io.trino.tpch}), as Rhei rows, with the specification's DDL:
 * money and quantities as numeric(15,2), keys as bigint, dates as date, strings as char(n) or varchar(n) (char
 * values blank-padded to n, as PostgreSQL stores them). Loads the same rows into an {@link TableSink} and
 * describes the DDL for other databases, so every engine in a comparison holds identical data.
 */
public final class TpchDataset {
    private static final Map<String, List<String>> KEYS = Map.of(
            "lineitem", List.of("l_orderkey", "l_linenumber"), "orders", List.of("o_orderkey"), "customer", List.of("c_custkey"),
            "part", List.of("p_partkey"), "partsupp", List.of("ps_partkey", "ps_suppkey"), "supplier", List.of("s_suppkey"),
            "nation", List.of("n_nationkey"), "region", List.of("r_regionkey"));

    /** The specification's string columns: char(n) when fixed, varchar(n) otherwise (negative length). */
    private static final Map<String, Integer> STRING_LENGTHS = Map.ofEntries(
            Map.entry("l_returnflag", 1), Map.entry("l_linestatus", 1), Map.entry("l_shipinstruct", 25), Map.entry("l_shipmode", 10),
            Map.entry("l_comment", -44), Map.entry("o_orderstatus", 1), Map.entry("o_orderpriority", 15), Map.entry("o_clerk", 15),
            Map.entry("o_comment", -79), Map.entry("c_name", -25), Map.entry("c_address", -40), Map.entry("c_phone", 15),
            Map.entry("c_mktsegment", 10), Map.entry("c_comment", -117), Map.entry("p_name", -55), Map.entry("p_mfgr", 25),
            Map.entry("p_brand", 10), Map.entry("p_type", -25), Map.entry("p_container", 10), Map.entry("p_comment", -23),
            Map.entry("ps_comment", -199), Map.entry("s_name", 25), Map.entry("s_address", -40), Map.entry("s_phone", 15),
            Map.entry("s_comment", -101), Map.entry("n_name", 25), Map.entry("n_comment", -152), Map.entry("r_name", 25),
            Map.entry("r_comment", -152));

    private final double scaleFactor;

    public TpchDataset(double scaleFactor) {
        this.scaleFactor = scaleFactor;
    }

    public static List<String> tableNames() {
        return TpchTable.getTables().stream().map(TpchTable::getTableName).toList();
    }

    public static TableSchema schema(String table) {
        TpchTable<?> t = TpchTable.getTable(table);
        TableSchema.Builder b = TableSchema.builder(TableId.of("public", table));
        List<String> key = KEYS.get(table);
        for (TpchColumn<?> c : t.getColumns()) {
            ColumnType type = type(c);
            if (key.contains(c.getColumnName())) {
                b.key(c.getColumnName(), type);
            } else {
                b.column(c.getColumnName(), type);
            }
        }
        return b.build();
    }

    private static ColumnType type(TpchColumn<?> c) {
        return switch (c.getType().getBase()) {
            case IDENTIFIER -> ColumnType.INT64;
            case INTEGER -> ColumnType.INT32;
            case DATE -> ColumnType.DATE;
            case DOUBLE -> ColumnType.decimal(15, 2);
            case VARCHAR -> STRING_LENGTHS.getOrDefault(c.getColumnName(), -1) > 0
                    ? ColumnType.bpchar(STRING_LENGTHS.get(c.getColumnName())) : ColumnType.TEXT;
        };
    }

    /** PostgreSQL DDL for one table. */
    public static String createTable(String table) {
        TableSchema s = schema(table);
        StringBuilder sb = new StringBuilder("CREATE TABLE " + table + " (");
        for (int i = 0; i < s.columnCount(); i++) {
            ColumnType t = s.column(i).type();
            String pg = switch (t.kind()) {
                case INT64 -> "int8";
                case INT32 -> "int4";
                case DATE -> "date";
                case DECIMAL -> "numeric(15,2)";
                case CHAR -> "char(" + t.precision() + ")";
                default -> "varchar(" + -STRING_LENGTHS.getOrDefault(s.column(i).name(), -200) + ")";
            };
            sb.append(i == 0 ? "" : ", ").append(s.column(i).name()).append(' ').append(pg).append(" NOT NULL");
        }
        return sb.append(", PRIMARY KEY (").append(String.join(", ", s.primaryKey())).append("))").toString();
    }

    /** Every row of a table, in generator order. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void rows(String table, Consumer<Object[]> sink) {
        TpchTable t = TpchTable.getTable(table);
        List<TpchColumn> cols = t.getColumns();
        for (Object e : t.createGenerator(scaleFactor, 1, 1)) {
            Object[] v = new Object[cols.size()];
            for (int i = 0; i < v.length; i++) {
                TpchColumn c = cols.get(i);
                v[i] = switch (c.getType().getBase()) {
                    case IDENTIFIER -> c.getIdentifier((TpchEntity) e);
                    case INTEGER -> c.getInteger((TpchEntity) e);
                    case DATE -> LocalDate.ofEpochDay(c.getDate((TpchEntity) e));
                    case DOUBLE -> BigDecimal.valueOf(c.getDouble((TpchEntity) e)).setScale(2, RoundingMode.HALF_UP);
                    case VARCHAR -> padded(c.getString((TpchEntity) e), STRING_LENGTHS.getOrDefault(c.getColumnName(), -1));
                };
            }
            sink.accept(v);
        }
    }

    private static String padded(String s, int charLength) {
        return charLength > s.length() ? s + " ".repeat(charLength - s.length()) : s;
    }

    /** Loads every table into {@code engine}, in batches of {@code batchRows}; returns the rows loaded. */
    public long load(TableSink engine, int batchRows) {
        long total = 0;
        long seq = 1;
        for (String table : tableNames()) {
            TableSchema schema = schema(table);
            engine.ensureTable(schema, seq++);
            List<RowChange> pending = new ArrayList<>(batchRows);
            long[] seqHolder = {seq};
            Runnable flush = () -> {
                if (!pending.isEmpty()) {
                    long first = seqHolder[0];
                    seqHolder[0] += pending.size();
                    engine.apply(new TableChangeBatch(schema, false, pending, first, seqHolder[0] - 1, pending.size()));
                    pending.clear();
                }
            };
            long[] count = {0};
            rows(table, v -> {
                Row row = Row.wrap(v);
                pending.add(RowChange.upsert(schema.keyOf(row), row, seqHolder[0] + pending.size()));
                count[0]++;
                if (pending.size() == batchRows) {
                    flush.run();
                }
            });
            flush.run();
            seq = seqHolder[0];
            total += count[0];
        }
        return total;
    }

    /**
     * PostgreSQL COPY text format for a table (tab separated; TPC-H text has no tabs or backslashes). char(n) values
     * without their padding: PostgreSQL pads them itself, and DuckDB's char(n) is a varchar that would keep it.
     */
    public void copyText(String table, Consumer<String> lines) {
        StringBuilder sb = new StringBuilder();
        TableSchema schema = schema(table);
        rows(table, v -> {
            for (int i = 0; i < v.length; i++) {
                if (schema.column(i).type().kind() == ColumnType.Kind.CHAR && v[i] instanceof String s) {
                    v[i] = s.stripTrailing();
                }
            }
            sb.setLength(0);
            for (int i = 0; i < v.length; i++) {
                if (i > 0) {
                    sb.append('\t');
                }
                sb.append(v[i] instanceof BigDecimal d ? d.toPlainString() : v[i].toString());
            }
            lines.accept(sb.append('\n').toString());
        });
    }

    /** The text of TPC-H query {@code n} (1..22), in SQL both PostgreSQL and Rhei accept. */
    public static String query(int n) {
        String name = String.format("/tpch/q%02d.sql", n);
        try (InputStream in = TpchDataset.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no TPC-H query " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().replaceAll(";$", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
