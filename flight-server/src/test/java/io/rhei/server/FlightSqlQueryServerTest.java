package io.rhei.server;

import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

/** A real client (the Arrow Flight SQL JDBC driver) against the query server. */
class FlightSqlQueryServerTest {
    private RootAllocator root;
    private DataFusionOlapEngine engine;
    private FlightSqlQueryServer server;

    @BeforeEach
    void start() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        io.rhei.testing.OrdersTable.load(engine, 50_000);
        server = FlightSqlQueryServer.start(engine, root, "127.0.0.1", 0, new FlightSqlQueryServer.Credentials("rhei", "s3cret"));
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    private Connection connect(String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "rhei");
        p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "?useEncryption=false", p);
    }

    @Test
    void tlsWithTheConfiguredCertificate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        io.rhei.core.config.TlsFiles tls = io.rhei.testing.TestCertificates.selfSigned(dir);
        try (FlightSqlQueryServer secure = FlightSqlQueryServer.start(engine, io.rhei.core.query.Freshness.NONE, root, "127.0.0.1", 0,
                new FlightSqlQueryServer.Credentials("rhei", "s3cret"), tls)) {
            Properties p = new Properties();
            p.setProperty("user", "rhei");
            p.setProperty("password", "s3cret");
            String url = "jdbc:arrow-flight-sql://localhost:" + secure.port() + "?useEncryption=true&disableCertificateVerification=true";
            try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                assertTrue(rs.next());
                assertEquals(50_000, rs.getLong(1));
            }
            String plain = "jdbc:arrow-flight-sql://localhost:" + secure.port() + "?useEncryption=false";
            assertThrows(SQLException.class, () -> DriverManager.getConnection(plain, p).createStatement().executeQuery("SELECT 1"),
                    "a plain-text client is not served by a TLS server");
        }
    }

    @Test
    void jdbcQueriesReturnTheSameAnswersAndLargeResultsStream() throws SQLException {
        try (Connection c = connect("s3cret"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT status, count(*) AS n, sum(total) AS s FROM orders GROUP BY status ORDER BY status")) {
                assertTrue(rs.next());
                assertEquals("new", rs.getString(1));
                assertEquals(25_000, rs.getLong(2));
                assertEquals(0, new BigDecimal("6250000.00").compareTo(rs.getBigDecimal(3)), rs.getBigDecimal(3).toString());
                assertTrue(rs.next());
                assertEquals("paid", rs.getString("status"));
                assertEquals(25_000, rs.getLong("n"));
            }
            long count = 0;
            long sum = 0;
            try (ResultSet rs = st.executeQuery("SELECT id FROM orders")) {
                while (rs.next()) {
                    count++;
                    sum += rs.getLong(1);
                }
            }
            assertEquals(50_000, count, "all rows of a multi-batch result");
            assertEquals(50_000L * 50_001 / 2, sum);
            assertEquals(2, server.stats().completed(), "both queries counted");
            assertTrue(server.stats().latency().percentile(99) > 0);
        }
    }

    @Test
    void xdbcTypeInfoListsEveryTypeOfTheModelByPostgresName() throws Exception {
        try (org.apache.arrow.flight.FlightClient client = org.apache.arrow.flight.FlightClient.builder(root,
                org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", server.port())).build()) {
            org.apache.arrow.flight.CallOption auth = client.authenticateBasicToken("rhei", "s3cret").orElseThrow();
            org.apache.arrow.flight.sql.FlightSqlClient sql = new org.apache.arrow.flight.sql.FlightSqlClient(client);
            java.util.Map<String, Integer> jdbcTypes = new java.util.LinkedHashMap<>();
            java.util.List<String> numericParams = new java.util.ArrayList<>();
            org.apache.arrow.flight.FlightInfo info = sql.getXdbcTypeInfo(auth);
            try (org.apache.arrow.flight.FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), auth)) {
                while (stream.next()) {
                    org.apache.arrow.vector.VectorSchemaRoot r = stream.getRoot();
                    for (int i = 0; i < r.getRowCount(); i++) {
                        String name = r.getVector("type_name").getObject(i).toString();
                        jdbcTypes.put(name, (Integer) r.getVector("data_type").getObject(i));
                        if (name.equals("numeric")) {
                            ((java.util.List<?>) r.getVector("create_params").getObject(i)).forEach(p -> numericParams.add(p.toString()));
                        }
                    }
                }
            }
            assertEquals(io.rhei.core.schema.ColumnType.Kind.values().length, jdbcTypes.size(), "one row per type: " + jdbcTypes);
            assertEquals(java.sql.Types.BIGINT, jdbcTypes.get("bigint"));
            assertEquals(java.sql.Types.TIMESTAMP_WITH_TIMEZONE, jdbcTypes.get("timestamp with time zone"));
            assertEquals(java.util.List.of("precision", "scale"), numericParams);
            java.util.List<Integer> order = new java.util.ArrayList<>(jdbcTypes.values());
            java.util.List<Integer> sorted = new java.util.ArrayList<>(order);
            java.util.Collections.sort(sorted);
            assertEquals(sorted, order, "sorted by DATA_TYPE, as JDBC's getTypeInfo is");

            org.apache.arrow.flight.FlightInfo dates = sql.getXdbcTypeInfo(java.sql.Types.DATE, auth);
            try (org.apache.arrow.flight.FlightStream stream = sql.getStream(dates.getEndpoints().get(0).getTicket(), auth)) {
                assertTrue(stream.next());
                assertEquals(1, stream.getRoot().getRowCount(), "filtered by data type");
                assertEquals("date", stream.getRoot().getVector("type_name").getObject(0).toString());
            }
        }
    }

    @Test
    void databaseMetaDataListsCatalogsSchemasTablesAndPrimaryKeys() throws SQLException {
        try (Connection c = connect("s3cret")) {
            java.sql.DatabaseMetaData md = c.getMetaData();
            try (java.sql.ResultSet rs = md.getCatalogs()) {
                assertTrue(rs.next());
                assertEquals("rhei", rs.getString(1));
            }
            try (java.sql.ResultSet rs = md.getSchemas()) {
                assertTrue(rs.next());
                assertEquals("public", rs.getString("TABLE_SCHEM"));
            }
            try (java.sql.ResultSet rs = md.getTables(null, "pub%", "ord_rs", null)) {
                assertTrue(rs.next(), "LIKE patterns match");
                assertEquals("orders", rs.getString("TABLE_NAME"));
                assertEquals("TABLE", rs.getString("TABLE_TYPE"));
                assertFalse(rs.next());
            }
            try (java.sql.ResultSet rs = md.getTables(null, null, "nothing%", null)) {
                assertFalse(rs.next());
            }
            try (java.sql.ResultSet rs = md.getColumns(null, "public", "orders", null)) {
                java.util.List<String> columns = new java.util.ArrayList<>();
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME"));
                }
                assertEquals(java.util.List.of("id", "status", "total"), columns);
            }
            try (java.sql.ResultSet rs = md.getPrimaryKeys(null, "public", "orders")) {
                assertTrue(rs.next());
                assertEquals("id", rs.getString("COLUMN_NAME"));
                assertEquals(1, rs.getInt("KEY_SEQ"));
            }
            try (java.sql.ResultSet rs = md.getTableTypes()) {
                assertTrue(rs.next());
                assertEquals("TABLE", rs.getString(1));
            }
            assertEquals("Rhei", md.getDatabaseProductName());
        }
    }

    @Test
    void preparedStatementsBindParametersOfSeveralTypes() throws SQLException {
        try (Connection c = connect("s3cret"); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT count(*), min(id) FROM orders WHERE id > ? AND status = ? AND total >= ?")) {
            for (long from : new long[]{0, 25_000, 49_990}) {
                ps.setLong(1, from);
                ps.setString(2, "new");
                ps.setBigDecimal(3, new java.math.BigDecimal("0.00"));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    long expected = java.util.stream.LongStream.rangeClosed(from + 1, 50_000).filter(i -> i % 2 == 1).count();
                    assertEquals(expected, rs.getLong(1), "ids above " + from);
                }
            }
        }
    }

    @Test
    void wrongPasswordAndWritesAreRefused() throws SQLException {
        SQLException auth = assertThrows(SQLException.class, () -> connect("wrong").createStatement().executeQuery("SELECT 1 FROM orders"));
        assertTrue(String.valueOf(auth.getMessage()).toLowerCase().contains("unauthenticated")
                || String.valueOf(auth.getMessage()).toLowerCase().contains("wrong user"), auth.getMessage());
        try (Connection c = connect("s3cret"); Statement st = c.createStatement()) {
            SQLException write = assertThrows(SQLException.class, () -> st.executeUpdate("DELETE FROM orders WHERE id = 1"));
            assertTrue(String.valueOf(write.getMessage()).contains("read-only"), write.getMessage());
            SQLException bad = assertThrows(SQLException.class, () -> st.executeQuery("SELECT nope FROM orders"));
            assertTrue(String.valueOf(bad.getMessage()).contains("nope"), bad.getMessage());
        }
        try (Connection c = connect("s3cret"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            assertEquals(50_000, rs.getLong(1), "nothing was deleted");
        }
    }

    @Test
    void aCallAskingForAnLsnWaitsForItAndABadLsnIsAClearError() throws Exception {
        java.util.concurrent.atomic.AtomicLong asked = new java.util.concurrent.atomic.AtomicLong();
        try (FlightSqlQueryServer fresh = FlightSqlQueryServer.start(engine, (lsn, timeout) -> {
                    asked.set(lsn);
                    if (lsn > 0xFFFF) {
                        throw new io.rhei.core.RheiException("changes up to LSN " + io.rhei.core.model.Lsn.format(lsn) + " were not applied within "
                                + timeout.toMillis() + " ms");
                    }
                }, root, "127.0.0.1", 0, null)) {
            String url = "jdbc:arrow-flight-sql://127.0.0.1:" + fresh.port() + "?useEncryption=false&rhei-min-lsn=0/FF00";
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                rs.next();
                assertEquals(50_000, rs.getLong(1));
            }
            assertEquals(0xFF00, asked.get(), "the header reached the freshness check");
            String late = "jdbc:arrow-flight-sql://127.0.0.1:" + fresh.port() + "?useEncryption=false&rhei-min-lsn=1/0&rhei-min-lsn-timeout=50ms";
            try (Connection c = DriverManager.getConnection(late); Statement st = c.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT count(*) FROM orders"));
                assertTrue(String.valueOf(e.getMessage()).contains("changes up to LSN 1/0 were not applied within 50 ms"), e.getMessage());
            }
            String bad = "jdbc:arrow-flight-sql://127.0.0.1:" + fresh.port() + "?useEncryption=false&rhei-min-lsn=yesterday";
            try (Connection c = DriverManager.getConnection(bad); Statement st = c.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT count(*) FROM orders"));
                assertTrue(String.valueOf(e.getMessage()).contains("not a PostgreSQL LSN"), e.getMessage());
            }
        }
    }
}
