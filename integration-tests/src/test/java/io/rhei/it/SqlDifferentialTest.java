package io.rhei.it;

import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.UnsupportedSqlException;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The same data in a real PostgreSQL and in Rhei ({@link DifferentialData}): every query of the files under
 * {@code differential/} must return the same rows (in order when the query orders them; as a multiset otherwise;
 * numbers by value, floating point to 12 significant digits) under the same column names. The queries of
 * {@code differential/refused.sql} must be refused with a message naming the construct, never answered wrongly.
 */
class SqlDifferentialTest {
    /** One query per line; {@code --} starts a comment line. */
    static final List<String> FILES = List.of("shop.sql", "types.sql", "tpch.sql", "dialect.sql", "functions.sql", "semantics.sql");
    private static ComparedEngines engines;
    private static EmbeddedPostgresServer pg;
    private static RootAllocator root;
    private static DataFusionOlapEngine rhei;
    private static io.rhei.server.pg.PgWireServer pgwire;

    static Stream<String> queries() {
        return FILES.stream().flatMap(f -> read(f).stream());
    }

    static Stream<String> refused() {
        return read("refused.sql").stream();
    }

    static List<String> read(String file) {
        try (InputStream in = SqlDifferentialTest.class.getResourceAsStream("/differential/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no differential/" + file + " on the test class path");
            }
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String q = line.strip();
                if (!q.isEmpty() && !q.startsWith("--")) {
                    out.add(q);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void load() throws SQLException {
        engines = ComparedEngines.start();
        pg = engines.pg();
        root = engines.root();
        rhei = engines.rhei();
        try (Connection conn = pg.connect()) {
            DifferentialData.loadAll(conn, rhei);
        }
        pgwire = io.rhei.server.pg.PgWireServer.start(rhei, root, "127.0.0.1", 0, io.rhei.server.pg.PgWireServer.Auth.NONE);
    }

    /** pgjdbc against Rhei's PostgreSQL protocol; prepareThreshold -1 asks for every result in binary format. */
    private static Connection rheiOverPgwire(String prepareThreshold) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "rhei");
        p.setProperty("prepareThreshold", prepareThreshold);
        return java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgwire.port() + "/rhei", p);
    }

    @AfterAll
    static void close() {
        if (pgwire != null) {
            pgwire.close();
        }
        if (engines != null) {
            engines.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void sameAnswerAsPostgres(String sql) throws SQLException {
        Results.Table expected;
        try (Connection c = pg.connect()) {
            expected = Results.postgresTable(c, sql);
        }
        Results.Table got;
        try {
            got = Results.rheiTable(rhei, root, sql);
        } catch (RuntimeException e) {
            fail("Rhei failed: " + e.getMessage(), e);
            return;
        }
        assertEquals(expected.columns(), got.columns(), "column names");
        Results.assertSame(sql, expected.rows(), got.rows());
    }

    /** The same corpus through the PostgreSQL protocol, read by the same driver as PostgreSQL's answer: text, then binary. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void sameAnswerOverThePostgresProtocolInTextAndBinary(String sql) throws SQLException {
        Results.Table expected;
        try (Connection c = pg.connect()) {
            expected = Results.postgresTable(c, sql);
        }
        try (Connection text = rheiOverPgwire("5"); Connection binary = rheiOverPgwire("-1")) {
            Results.Table got = Results.postgresTable(text, sql);
            assertEquals(expected.columns(), got.columns(), "column names (text)");
            Results.assertSame(sql + " [text]", expected.rows(), got.rows());
            got = Results.preparedTable(binary, sql);
            assertEquals(expected.columns(), got.columns(), "column names (binary)");
            Results.assertSame(sql + " [binary]", expected.rows(), got.rows());
        }
    }

    static Stream<String> statistics() {
        return read("statistics.sql").stream();
    }

    /** Statistics aggregates computed in double precision: the same answer to 14 significant digits, over both paths. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("statistics")
    void statisticsEqualPostgresToDoublePrecision(String sql) throws SQLException {
        Results.Table expected;
        try (Connection c = pg.connect()) {
            expected = Results.postgresTable(c, sql);
        }
        Results.assertSame(sql, expected.rows(), Results.rheiTable(rhei, root, sql).rows(), 14);
        try (Connection binary = rheiOverPgwire("-1")) {
            Results.assertSame(sql + " [binary]", expected.rows(), Results.preparedTable(binary, sql).rows(), 14);
        }
    }

    static Stream<String> errors() {
        return read("errors.sql").stream();
    }

    /** Queries PostgreSQL fails at run time fail in Rhei too, with PostgreSQL's SQLSTATE over the protocol. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void failsWithPostgresSqlState(String sql) throws SQLException {
        String expected;
        try (Connection c = pg.connect(); java.sql.Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.executeQuery(sql).next(), "PostgreSQL answered " + sql);
            expected = e.getSQLState() + " " + e.getMessage().replaceFirst("(?s)^ERROR: ", "").replaceFirst("(?s)\\n.*", "");
        }
        try (Connection rheiConn = rheiOverPgwire("5"); java.sql.Statement st = rheiConn.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> {
                try (java.sql.ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        rs.getObject(1);
                    }
                }
            }, "Rhei answered " + sql);
            assertEquals(expected, e.getSQLState() + " " + e.getMessage().replaceFirst("(?s)^ERROR: ", "").replaceFirst("(?s)\\n.*", ""), sql);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void unsupportedConstructsAreRefusedByName(String sql) {
        UnsupportedSqlException e = assertThrows(UnsupportedSqlException.class, () -> Results.rhei(rhei, root, sql));
        assertTrue(e.getMessage().startsWith("not supported yet:"), e.getMessage());
    }
}
