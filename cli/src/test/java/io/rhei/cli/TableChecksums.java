package io.rhei.cli;

import io.rhei.olap.QueryResults;
import org.apache.arrow.memory.BufferAllocator;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compares a table in PostgreSQL and in Rhei by a checksum over all its rows (ordered by key), for fault tests. */
final class TableChecksums {
    /** The demo shop's tables and the columns that order them (their keys). */
    static final java.util.Map<String, String> SHOP_TABLES = java.util.Map.of("customers", "id", "products", "id", "orders", "id",
            "order_items", "order_id, line");

    private TableChecksums() {
    }

    /** Asserts both sides hold exactly the same rows; returns the row count. */
    static int assertSame(Connection pg, io.rhei.core.query.QueryEngine rhei, BufferAllocator allocator, String table, String orderBy) throws Exception {
        return assertSame(pg, sql -> QueryResults.read(rhei.query(sql, allocator)).rows(), table, orderBy);
    }

    /** The same, with Rhei's rows from the embedding API. */
    static int assertSame(Connection pg, io.rhei.Rhei rhei, String table, String orderBy) throws Exception {
        return assertSame(pg, sql -> rhei.query(sql).rows(), table, orderBy);
    }

    private static int assertSame(Connection pg, java.util.function.Function<String, List<List<Object>>> rhei, String table, String orderBy)
            throws Exception {
        String sql = "SELECT * FROM " + table + " ORDER BY " + orderBy;
        List<String> expected = postgresRows(pg, sql);
        List<String> got = rhei.apply(sql).stream().map(TableChecksums::normalize).toList();
        assertEquals(checksum(expected), checksum(got), () -> table + ": " + expected.size() + " rows in PostgreSQL, " + got.size()
                + " in Rhei; first difference: " + firstDifference(expected, got));
        return expected.size();
    }

    static List<String> postgresRows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof OffsetDateTime o ? o.toInstant() : v instanceof java.sql.Timestamp ts ? ts.toInstant() : v);
                }
                rows.add(normalize(row));
            }
        }
        return rows;
    }

    /** One row as text both sides agree on: numbers without trailing zeros, instants in UTC, strings as they are. */
    static String normalize(List<Object> row) {
        StringBuilder sb = new StringBuilder();
        for (Object v : row) {
            if (v instanceof BigDecimal d) {
                v = d.stripTrailingZeros().toPlainString();
            } else if (v instanceof Number n) {
                v = new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
            } else if (v instanceof Instant i) {
                v = i.toString();
            }
            sb.append(v).append('|');
        }
        return sb.toString();
    }

    static String checksum(List<String> rows) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String r : rows) {
            md.update(r.getBytes(StandardCharsets.UTF_8));
            md.update((byte) '\n');
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    static String firstDifference(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return "row " + i + ": PostgreSQL " + a.get(i) + " vs Rhei " + b.get(i);
            }
        }
        return a.size() == b.size() ? "none" : "lengths differ";
    }
}
