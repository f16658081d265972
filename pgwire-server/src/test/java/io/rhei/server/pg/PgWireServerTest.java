package io.rhei.server.pg;

import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import io.rhei.testing.OrdersTable;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pgjdbc, PostgreSQL's own JDBC driver, against the protocol server: each case over the simple and the extended protocol. */
class PgWireServerTest {
    private RootAllocator root;
    private DataFusionOlapEngine engine;
    private PgWireServer server;

    @BeforeEach
    void start() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        OrdersTable.load(engine, 50_000);
        server = PgWireServer.start(engine, root, "127.0.0.1", 0, PgWireServer.Auth.NONE);
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    static Connection connect(PgWireServer s, String user, String password, String mode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("preferQueryMode", mode);
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + s.port() + "/rhei", p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void queriesAnswerWithPostgresTypesAndValues(String mode) throws SQLException {
        try (Connection c = connect(server, "rhei", "", mode); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status, count(*) AS n, sum(total) AS s FROM orders GROUP BY status ORDER BY status")) {
            assertEquals("text", rs.getMetaData().getColumnTypeName(1));
            assertEquals("int8", rs.getMetaData().getColumnTypeName(2));
            assertEquals("numeric", rs.getMetaData().getColumnTypeName(3));
            assertTrue(rs.next());
            assertEquals("new", rs.getString(1));
            assertEquals(25_000, rs.getLong(2));
            assertEquals(new BigDecimal("6250000.00"), rs.getBigDecimal(3));
            assertTrue(rs.next());
            assertEquals("paid", rs.getString(1));
            assertFalse(rs.next());
            assertTrue(c.getMetaData().getDatabaseProductVersion().startsWith("17"), c.getMetaData().getDatabaseProductVersion());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void nullsDatesBooleansAndFloatsInTextFormat(String mode) throws SQLException {
        try (Connection c = connect(server, "rhei", "", mode); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT NULL::int4 AS a, DATE '2024-02-29' AS d, true AS b, 1.5::float8 AS f, "
                     + "1e16::float8 AS big, 'x'::text AS t")) {
            assertTrue(rs.next());
            assertEquals(null, rs.getObject(1));
            assertEquals(java.sql.Date.valueOf("2024-02-29"), rs.getDate(2));
            assertTrue(rs.getBoolean(3));
            assertEquals("1.5", rs.getString(4));
            assertEquals("1e+16", rs.getString(5));
            assertEquals("x", rs.getString(6));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void largeResultsStreamAndSessionStatementsAreAnswered(String mode) throws SQLException {
        try (Connection c = connect(server, "rhei", "", mode); Statement st = c.createStatement()) {
            st.execute("SET application_name = 'bi'; BEGIN; SELECT count(*) FROM orders; COMMIT; DISCARD ALL");
            long rows = 0;
            try (ResultSet rs = st.executeQuery("SELECT id, status, total FROM orders")) {
                while (rs.next()) {
                    rows++;
                }
            }
            assertEquals(50_000, rows);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void errorsCarryTheirSqlState(String mode) throws SQLException {
        try (Connection c = connect(server, "rhei", "", mode); Statement st = c.createStatement()) {
            assertEquals("42601", assertThrows(SQLException.class, () -> st.executeQuery("SELEC 1")).getSQLState());
            assertEquals("42P01", assertThrows(SQLException.class, () -> st.executeQuery("SELECT * FROM nope")).getSQLState());
            SQLException write = assertThrows(SQLException.class, () -> st.executeUpdate("DELETE FROM orders"));
            assertEquals("25006", write.getSQLState(), write.getMessage());
            assertEquals("0A000", assertThrows(SQLException.class,
                    () -> st.executeQuery("SELECT DISTINCT ON (status) status FROM orders")).getSQLState());
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                assertTrue(rs.next(), "the session goes on after errors");
                assertEquals(50_000, rs.getLong(1));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void aPasswordIsCheckedWhenConfigured(String mode) throws SQLException {
        try (PgWireServer guarded = PgWireServer.start(engine, root, "127.0.0.1", 0, new PgWireServer.Auth("analyst", "s3cret"))) {
            try (Connection c = connect(guarded, "analyst", "s3cret", mode); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                assertTrue(rs.next());
            }
            SQLException wrong = assertThrows(SQLException.class, () -> connect(guarded, "analyst", "nope", mode));
            assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void aSessionMinLsnMakesQueriesWaitForItAndBadValuesAreClearErrors(String mode) throws SQLException {
        java.util.List<Long> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.rhei.core.query.Freshness fake = (lsn, timeout) -> {
            asked.add(lsn);
            if (lsn > 0xFFFF_FFFFL) {
                throw new io.rhei.core.RheiException("changes up to LSN " + io.rhei.core.model.Lsn.format(lsn) + " were not applied within "
                        + timeout.toMillis() + " ms");
            }
        };
        try (PgWireServer s = PgWireServer.start(engine, fake, root, "127.0.0.1", 0, PgWireServer.Auth.NONE);
             Connection c = connect(s, "rhei", "", mode); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                assertTrue(rs.next());
            }
            assertEquals(java.util.List.of(), asked, "no LSN set: no wait");
            st.execute("SET rhei.min_lsn = '0/FF00'");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                assertTrue(rs.next());
            }
            assertEquals(java.util.List.of(0xFF00L), asked);
            st.execute("SET rhei.min_lsn_timeout TO '50ms'");
            st.execute("SET rhei.min_lsn = '1/0'");
            SQLException late = assertThrows(SQLException.class, () -> st.executeQuery("SELECT count(*) FROM orders"));
            assertEquals("57014", late.getSQLState(), late.getMessage());
            assertTrue(late.getMessage().contains("were not applied within 50 ms"), late.getMessage());
            SQLException bad = assertThrows(SQLException.class, () -> st.execute("SET rhei.min_lsn = 'yesterday'"));
            assertEquals("22023", bad.getSQLState(), bad.getMessage());
            st.execute("RESET rhei.min_lsn");
            asked.clear();
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                assertTrue(rs.next());
            }
            assertEquals(java.util.List.of(), asked, "reset: no wait");
        }
    }
}
