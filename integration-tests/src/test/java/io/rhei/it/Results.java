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
    /** Rows in one order for both engines: numbers by their digits, whether exact (#) or floating (~) on a side. */
    private static final Comparator<List<String>> ROWS = Comparator.comparing(Results::sortKey);

    private static String sortKey(List<String> row) {
        StringBuilder k = new StringBuilder();
        for (String cell : row) {
            String c = cell;
            if (c.startsWith("#") || c.startsWith("~")) {
                c = c.substring(1).split("\\|")[0];
            }
            k.append(c).append('\u0001');
        }
        return k.toString();
    }

    private Results() {
    }

    /** Column names and rows of a result. */
    record Table(List<String> columns, List<List<String>> rows) {
    }

    static Table postgresTable(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return table(rs);
        }
    }

    /** The result of {@code sql} as a prepared statement (with prepareThreshold=-1, in binary format). */
    static Table preparedTable(Connection c, String sql) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return table(rs);
        }
    }

    private static Table table(ResultSet rs) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
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
        return postgresTable(c, sql).rows();
    }

    static List<List<String>> rhei(DataFusionOlapEngine engine, BufferAllocator allocator, String sql) {
        return rheiTable(engine, allocator, sql).rows();
    }

    /** Equal rows; in order when the query orders its result, as multisets otherwise. */
    static void assertSame(String sql, List<List<String>> expected, List<List<String>> got) {
        assertSame(sql, expected, got, 16);
    }

    /** As {@link #assertSame(String, List, List)}, exact numbers equal to {@code digits} significant digits at least. */
    static void assertSame(String sql, List<List<String>> expected, List<List<String>> got, int digits) {
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
        for (int i = 0; i < expected.size(); i++) {
            List<String> e = expected.get(i);
            List<String> g = got.get(i);
            boolean same = e.size() == g.size();
            for (int c = 0; same && c < e.size(); c++) {
                same = sameValue(e.get(c), g.get(c), digits);
            }
            if (!same) {
                assertEquals(expected, got, "row " + i + " differs: PostgreSQL " + e + ", Rhei " + g);
            }
        }
    }

    /**
     * Exact numbers compare exactly, except that a quotient's extra decimals are rounded away (PostgreSQL's scale
     * follows the quotient's size, Rhei's is fixed: the one with more decimals is rounded to the other's scale);
     * floating point compares to 12 significant digits.
     */
    static boolean sameValue(String a, String b) {
        return sameValue(a, b, 16);
    }

    static boolean sameValue(String a, String b, int digits) {
        if (a.equals(b)) {
            return true;
        }
        if (a.startsWith(EXACT) && b.startsWith(EXACT)) {
            // "#<value without trailing zeros>|<declared scale>": equal scales compare exactly; different declared
            // scales (a quotient: PostgreSQL's scale follows its size) compare at the smaller one
            String[] pa = a.substring(EXACT.length()).split("\\|");
            String[] pb = b.substring(EXACT.length()).split("\\|");
            BigDecimal x = new BigDecimal(pa[0]);
            BigDecimal y = new BigDecimal(pb[0]);
            int sa = Integer.parseInt(pa[1]);
            int sb = Integer.parseInt(pb[1]);
            if (sa == sb && sa < 16) {
                return x.compareTo(y) == 0;
            }
            int scale = Math.min(sa, sb);
            if (x.setScale(scale, java.math.RoundingMode.HALF_UP).compareTo(y.setScale(scale, java.math.RoundingMode.HALF_UP)) == 0) {
                return true;
            }
            // sums of quotients: each side rounded its quotients at its own scale; equal to 16 significant digits
            // (PostgreSQL's guarantee) is the same answer
            BigDecimal diff = x.subtract(y).abs();
            BigDecimal magnitude = x.abs().max(y.abs());
            return diff.compareTo(magnitude.movePointLeft(digits)) <= 0 || diff.compareTo(BigDecimal.ONE.movePointLeft(scale)) <= 0;
        }
        if ((a.startsWith(EXACT) || a.startsWith(FLOAT)) && (b.startsWith(EXACT) || b.startsWith(FLOAT))) {
            return toFloat(a).equals(toFloat(b));
        }
        return false;
    }

    private static final String EXACT = "#";
    private static final String FLOAT = "~";

    private static String toFloat(String v) {
        BigDecimal d = new BigDecimal(v.substring(1).split("\\|")[0]);
        return d.signum() == 0 ? "0" : d.round(new MathContext(12)).stripTrailingZeros().toPlainString();
    }

    /** One spelling per value: numbers by value (to 12 significant digits), dates and times in ISO form. */
    static String canonical(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
            return FLOAT + (d == 0 ? "0" : new BigDecimal(d).round(new MathContext(17)).stripTrailingZeros().toPlainString());
        }
        if (v instanceof BigDecimal d) {
            return EXACT + (d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString()) + "|" + Math.max(0, d.scale());
        }
        if (v instanceof Number n) {
            return EXACT + n.longValue() + "|0";
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
