package io.rhei.it;

import io.rhei.core.model.Row;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.testing.TpchDataset;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The datasets the differential tests query, loaded identically into PostgreSQL and Rhei:
 * <ul>
 *   <li>shop: customers, orders, products, items and an empty table (the demo's kind of schema);</li>
 *   <li>types: one table of every column type with NULLs, unicode, negative and boundary values, char(n) among them;</li>
 *   <li>TPC-H at a small scale factor with the specification's DDL (char(n), varchar(n), numeric(15,2), date).</li>
 * </ul>
 */
final class DifferentialData {
    static final double TPCH_SCALE = 0.01;

    private DifferentialData() {
    }

    static void loadAll(Connection pg, DataFusionOlapEngine rhei) throws SQLException {
        loadShop(pg, rhei);
        loadTypes(pg, rhei);
        loadTpch(pg, rhei);
    }

    static void loadShop(Connection conn, DataFusionOlapEngine rhei) throws SQLException {
        Random r = new Random(5);
        String[] first = {"John", "Joanna", "Jürgen", "Zoë", "Åsa", "Łukasz", "李", "María", "Oğuz", "Anna", "Bob", "Chloé"};
        String[] countries = {"DE", "FR", "PL", "SE", "US", "CN", "ES", "TR"};
        String[] segments = {"retail", "wholesale", "online", null};
        String[] statuses = {"new", "paid", "shipped", "delivered", "returned"};
        TableSchema customers = TableSchema.builder(TableId.parse("public.customers")).key("id", ColumnType.INT32)
                .column("name", ColumnType.TEXT).column("country", ColumnType.TEXT).column("segment", ColumnType.TEXT)
                .column("created", ColumnType.DATE).column("credit", ColumnType.decimal(12, 2)).build();
        List<Row> c = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            c.add(Row.of(i, first[r.nextInt(first.length)] + " " + i, countries[r.nextInt(countries.length)], segments[r.nextInt(4)],
                    LocalDate.of(2020, 1, 1).plusDays(r.nextInt(2000)), r.nextInt(10) == 0 ? null : BigDecimal.valueOf(r.nextInt(100000), 2)));
        }
        TableSchema orders = TableSchema.builder(TableId.parse("public.orders")).key("id", ColumnType.INT64)
                .column("customer_id", ColumnType.INT32).column("status", ColumnType.TEXT).column("total", ColumnType.decimal(12, 2))
                .column("qty", ColumnType.INT32).column("weight", ColumnType.FLOAT64).column("placed", ColumnType.TIMESTAMP).build();
        List<Row> o = new ArrayList<>();
        for (long i = 1; i <= 3000; i++) {
            int cust = (int) Math.min(220, 1 + Math.floor(Math.pow(r.nextDouble(), 3) * 220)); // skewed; some match no customer
            o.add(Row.of(i, r.nextInt(25) == 0 ? null : cust, statuses[r.nextInt(statuses.length)], BigDecimal.valueOf(r.nextInt(100000), 2),
                    1 + r.nextInt(6), r.nextInt(8) == 0 ? null : Math.round(r.nextDouble() * 5000) / 1000.0,
                    LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(r.nextInt(30_000_000))));
        }
        TableSchema products = TableSchema.builder(TableId.parse("public.products")).key("id", ColumnType.INT32)
                .column("name", ColumnType.TEXT).column("price", ColumnType.decimal(10, 2)).column("category", ColumnType.TEXT).build();
        List<Row> p = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            p.add(Row.of(i, "product " + i, BigDecimal.valueOf(100 + r.nextInt(10000), 2), i % 7 == 0 ? null : "cat" + (i % 4)));
        }
        TableSchema items = TableSchema.builder(TableId.parse("public.items")).key("order_id", ColumnType.INT64).key("line", ColumnType.INT32)
                .column("product_id", ColumnType.INT32).column("qty", ColumnType.INT32).build();
        List<Row> it = new ArrayList<>();
        for (long i = 1; i <= 3000; i++) {
            int lines = r.nextInt(5);
            for (int l = 1; l <= lines; l++) {
                it.add(Row.of(i, l, 1 + r.nextInt(50), 1 + r.nextInt(9)));
            }
        }
        TableSchema empty = TableSchema.builder(TableId.parse("public.empty_t")).key("id", ColumnType.INT32).column("v", ColumnType.INT32).build();
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE customers (id int4 PRIMARY KEY, name text, country text, segment text, created date, credit numeric(12,2))");
            st.execute("CREATE TABLE orders (id int8 PRIMARY KEY, customer_id int4, status text, total numeric(12,2), qty int4, weight float8, placed timestamp)");
            st.execute("CREATE TABLE products (id int4 PRIMARY KEY, name text, price numeric(10,2), category text)");
            st.execute("CREATE TABLE items (order_id int8, line int4, product_id int4, qty int4, PRIMARY KEY (order_id, line))");
            st.execute("CREATE TABLE empty_t (id int4 PRIMARY KEY, v int4)");
        }
        load(conn, rhei, customers, c);
        load(conn, rhei, orders, o);
        load(conn, rhei, products, p);
        load(conn, rhei, items, it);
        load(conn, rhei, empty, List.of());
    }

    /** One column of every type; values chosen where engines tend to differ. */
    static void loadTypes(Connection conn, DataFusionOlapEngine rhei) throws SQLException {
        TableSchema types = TableSchema.builder(TableId.parse("public.types_t")).key("id", ColumnType.INT32)
                .column("i2", ColumnType.INT16).column("i4", ColumnType.INT32).column("i8", ColumnType.INT64)
                .column("f4", ColumnType.FLOAT32).column("f8", ColumnType.FLOAT64).column("n", ColumnType.decimal(18, 4))
                .column("c", ColumnType.bpchar(6)).column("vc", ColumnType.TEXT).column("t", ColumnType.TEXT)
                .column("b", ColumnType.BOOLEAN).column("d", ColumnType.DATE).column("ts", ColumnType.TIMESTAMP)
                .column("tz", ColumnType.TIMESTAMPTZ).build();
        String[] texts = {"abc", "ab ", " lead", "", "Zoë", "李四", "Łódź", "a_b%c", "x", "ABC", "abc  ", "mixed Case", "tab\tin", "O'Neil"};
        String[] chars = {"ab", "ab   ", "a", "", "abcdef", "Zoë", "李", "x y", "ABC", " b"};
        Random r = new Random(11);
        List<Row> rows = new ArrayList<>();
        int id = 1;
        // boundaries first, then random values with about one NULL in six
        rows.add(Row.of(id++, Short.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, 1.5f, 1e300, new BigDecimal("99999999999999.9999"),
                pad("abcdef", 6), "max", "max", true, LocalDate.of(9999, 12, 31), LocalDateTime.of(2262, 4, 11, 23, 47, 16),
                Instant.parse("2100-01-01T00:00:00Z")));
        rows.add(Row.of(id++, Short.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE, -1.5f, -1e300, new BigDecimal("-99999999999999.9999"),
                pad("", 6), "min", "min", false, LocalDate.of(1, 1, 1), LocalDateTime.of(1900, 1, 1, 0, 0),
                Instant.parse("1900-01-01T00:00:00Z")));
        rows.add(Row.of(id++, (short) 0, 0, 0L, 0f, 0d, BigDecimal.ZERO.setScale(4), pad("0", 6), "0", "0", false,
                LocalDate.of(1970, 1, 1), LocalDateTime.of(1970, 1, 1, 0, 0), Instant.EPOCH));
        rows.add(Row.of(id++, null, null, null, null, null, null, null, null, null, null, null, null, null));
        for (; id <= 120; id++) {
            rows.add(Row.of(id,
                    nullOr(r, (short) (r.nextInt(2001) - 1000)),
                    nullOr(r, r.nextInt(20001) - 10000),
                    nullOr(r, (long) (r.nextGaussian() * 1e12)),
                    nullOr(r, (float) (Math.round(r.nextGaussian() * 400) / 4.0)),
                    nullOr(r, Math.round(r.nextGaussian() * 100000) / 64.0),
                    nullOr(r, BigDecimal.valueOf(r.nextLong() % 100_000_000_000L, 4)),
                    nullOr(r, pad(chars[r.nextInt(chars.length)], 6)),
                    nullOr(r, texts[r.nextInt(texts.length)]),
                    nullOr(r, texts[r.nextInt(texts.length)] + (r.nextBoolean() ? "" : " " + r.nextInt(100))),
                    nullOr(r, r.nextBoolean()),
                    nullOr(r, LocalDate.of(2020, 1, 1).plusDays(r.nextInt(2500) - 500)),
                    nullOr(r, LocalDateTime.of(2024, 2, 28, 0, 0).plusSeconds(r.nextInt(90_000_000) - 45_000_000L).plusNanos(r.nextInt(1000) * 1000L)),
                    nullOr(r, Instant.parse("2024-03-31T00:00:00Z").plusSeconds(r.nextInt(90_000_000) - 45_000_000L))));
        }
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE types_t (id int4 PRIMARY KEY, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric(18,4), "
                    + "c char(6), vc varchar(20), t text, b bool, d date, ts timestamp, tz timestamptz)");
        }
        load(conn, rhei, types, rows);
    }

    static void loadTpch(Connection conn, DataFusionOlapEngine rhei) throws SQLException {
        TpchDataset data = new TpchDataset(TPCH_SCALE);
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE SCHEMA tpch");
        }
        for (String table : TpchDataset.tableNames()) {
            List<Row> rows = new ArrayList<>();
            data.rows(table, v -> rows.add(Row.wrap(v)));
            try (Statement st = conn.createStatement()) {
                st.execute(TpchDataset.createTable(table).replaceFirst("CREATE TABLE ", "CREATE TABLE tpch."));
            }
            TableSchema pub = TpchDataset.schema(table);
            TableSchema.Builder b = TableSchema.builder(TableId.of("tpch", table));
            for (var col : pub.columns()) {
                if (pub.primaryKey().contains(col.name())) {
                    b.key(col.name(), col.type());
                } else {
                    b.column(col);
                }
            }
            load(conn, rhei, b.build(), rows);
        }
        try (Statement st = conn.createStatement()) {
            st.execute("ANALYZE");
        }
    }

    private static String pad(String s, int n) {
        return s.length() >= n ? s : s + " ".repeat(n - s.length());
    }

    private static <T> T nullOr(Random r, T value) {
        return r.nextInt(6) == 0 ? null : value;
    }

    private static void load(Connection conn, DataFusionOlapEngine rhei, TableSchema schema, List<Row> rows) throws SQLException {
        String marks = String.join(", ", Collections.nCopies(schema.columnCount(), "?"));
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + schema.table() + " VALUES (" + marks + ")")) {
            int pending = 0;
            for (Row row : rows) {
                for (int i = 0; i < schema.columnCount(); i++) {
                    Object v = row.get(i);
                    ps.setObject(i + 1, v instanceof Instant in ? in.atOffset(ZoneOffset.UTC) : v);
                }
                ps.addBatch();
                if (++pending == 5000) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            ps.executeBatch();
        }
        rhei.ensureTable(schema, 1);
        List<RowChange> changes = new ArrayList<>();
        for (Row row : rows) {
            changes.add(RowChange.upsert(schema.keyOf(row), row, 2));
        }
        rhei.apply(new TableChangeBatch(schema, false, changes, 2, 2, Math.max(1, changes.size())));
    }
}
