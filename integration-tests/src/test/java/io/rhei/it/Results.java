package io.rhei.it;

import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.QueryResults;
import org.apache.arrow.memory.BufferAllocator;

import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Query results of PostgreSQL and Rhei in one comparable spelling. */
final class Results {
    private static final Comparator<List<String>> ROWS = (a, b) -> String.join("\u0001", a).compareTo(String.join("\u0001", b));

    private Results() {
    }

    /** Column names and rows of a result. */
    record Table(List<String> columns, List<List<String>> rows) {
    }

    static Table postgresTable(Connection c, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                names.add(md.getColumnLabel(i));
            }
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(canonical("timestamptz".equals(md.getColumnTypeName(i))
                            ? rs.getObject(i, java.time.OffsetDateTime.class) : rs.getObject(i)));
                }
                out.add(row);
            }
        }
        return new Table(names, out);
    }

    static Table rheiTable(DataFusionOlapEngine engine, BufferAllocator allocator, String sql) {
        var result = QueryResults.read(engine.query(sql, allocator));
        List<List<String>> out = new ArrayList<>();
        for (List<Object> row : result.rows()) {
            List<String> r = new ArrayList<>();
            for (Object v : row) {
                r.add(canonical(v));
            }
            out.add(r);
        }
        return new Table(result.columns(), out);
    }

    static List<List<String>> postgres(Connection c, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(canonical(rs.getObject(i)));
                }
                out.add(row);
            }
        }
        return out;
    }

    static List<List<String>> rhei(DataFusionOlapEngine engine, BufferAllocator allocator, String sql) {
        List<List<String>> out = new ArrayList<>();
        for (List<Object> row : QueryResults.read(engine.query(sql, allocator)).rows()) {
            List<String> r = new ArrayList<>();
            for (Object v : row) {
                r.add(canonical(v));
            }
            out.add(r);
        }
        return out;
    }

    /** Equal rows; in order when the query orders its result, as multisets otherwise. */
    static void assertSame(String sql, List<List<String>> expected, List<List<String>> got) {
        String outer = sql.toUpperCase();
        for (String prev = ""; !prev.equals(outer); ) { // drop parenthesised parts: ORDER BY inside OVER (...) or subqueries
            prev = outer;
            outer = outer.replaceAll("\\([^()]*\\)", "");
        }
        if (!outer.contains("ORDER BY")) {
            expected.sort(ROWS);
            got.sort(ROWS);
        }
        assertEquals(expected.size(), got.size(), "row count");
        assertEquals(expected, got);
    }

    /** One spelling per value: numbers by value (to 12 significant digits), dates and times in ISO form. */
    static String canonical(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == 0 ? "0" : new BigDecimal(d).round(new MathContext(12)).stripTrailingZeros().toPlainString();
        }
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.round(new MathContext(12)).stripTrailingZeros().toPlainString();
        }
        if (v instanceof Number n) {
            return Long.toString(n.longValue());
        }
        if (v instanceof java.time.OffsetDateTime odt) {
            return java.time.LocalDateTime.ofInstant(odt.toInstant(), java.time.ZoneOffset.UTC).toString();
        }
        if (v instanceof java.time.Instant in) {
            return java.time.LocalDateTime.ofInstant(in, java.time.ZoneOffset.UTC).toString();
        }
        if (v instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime().toString();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        return v.toString();
    }
}
