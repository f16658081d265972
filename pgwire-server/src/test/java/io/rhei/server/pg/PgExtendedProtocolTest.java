package io.rhei.server.pg;

import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import io.rhei.testing.OrdersTable;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pgjdbc over the extended protocol (prepared statements, parameters of every type, text and binary results,
 * cursors with a fetch size, transactions) and protocol input no driver sends, through a raw socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgExtendedProtocolTest {
    private static final int ORDERS = 1_000_000;
    private RootAllocator root;
    private DataFusionOlapEngine engine;
    private PgWireServer server;

    @BeforeAll
    void start() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        OrdersTable.load(engine, ORDERS);
        io.rhei.testing.AllTypesTable.load(engine);
        server = PgWireServer.start(engine, root, "127.0.0.1", 0, PgWireServer.Auth.NONE);
    }

    @AfterAll
    void stop() {
        server.close();
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    private Connection connect(int prepareThreshold) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "rhei");
        p.setProperty("sslmode", "disable");
        p.setProperty("prepareThreshold", Integer.toString(prepareThreshold));
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/rhei", p);
    }

    /** prepareThreshold 0: unnamed statements, text results; 1: named server-side statements, binary results. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void parametersAndResultsOfEveryTypeRoundTrip(int prepareThreshold) throws SQLException {
        try (Connection c = connect(prepareThreshold); PreparedStatement ps = c.prepareStatement(
                "SELECT id, i2, i4, f4, f8, d, txt, c, b, dt, ts, tz, flag FROM t WHERE i2 = ? AND i4 = ? AND f4 = ? AND f8 = ? "
                        + "AND d = ? AND txt = ? AND c = ? AND b = ? AND dt = ? AND ts = ? AND tz = ? AND flag = ?")) {
            for (int round = 0; round < 3; round++) { // pgjdbc switches to a named statement and binary after the threshold
                ps.setShort(1, (short) 3);
                ps.setInt(2, 30);
                ps.setFloat(3, 1.5f);
                ps.setDouble(4, 0.75);
                ps.setBigDecimal(5, new BigDecimal("3.75"));
                ps.setString(6, "name 3");
                ps.setString(7, "c0");
                ps.setBytes(8, new byte[]{3, 7});
                ps.setObject(9, LocalDate.of(2024, 1, 3));
                ps.setObject(10, LocalDateTime.of(2024, 1, 1, 3, 0, 0, 123_456_000));
                ps.setObject(11, OffsetDateTime.of(2024, 1, 1, 5, 0, 0, 0, ZoneOffset.ofHours(2)));
                ps.setBoolean(12, false);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), "round " + round);
                    assertEquals(3L, rs.getLong(1));
                    assertEquals((short) 3, rs.getShort(2));
                    assertEquals(30, rs.getInt(3));
                    assertEquals(1.5f, rs.getFloat(4));
                    assertEquals(0.75, rs.getDouble(5));
                    assertEquals(new BigDecimal("3.75"), rs.getBigDecimal(6));
                    assertEquals("name 3", rs.getString(7));
                    assertEquals("c0 ", rs.getString(8), "char(3) keeps its padding, as PostgreSQL prints it");
                    assertArrayEquals(new byte[]{3, 7}, rs.getBytes(9));
                    assertEquals(LocalDate.of(2024, 1, 3), rs.getObject(10, LocalDate.class));
                    assertEquals(LocalDateTime.of(2024, 1, 1, 3, 0, 0, 123_456_000), rs.getObject(11, LocalDateTime.class));
                    assertEquals(Instant.parse("2024-01-01T03:00:00Z"), rs.getObject(12, OffsetDateTime.class).toInstant());
                    assertFalse(rs.getBoolean(13));
                    assertFalse(rs.next());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void nullsNegativeNumericsAndParameterMetadata(int prepareThreshold) throws SQLException {
        try (Connection c = connect(prepareThreshold); PreparedStatement ps = c.prepareStatement(
                "SELECT txt, d - ? AS diff, -d AS neg FROM t WHERE id = ?")) {
            assertEquals(2, ps.getParameterMetaData().getParameterCount());
            assertEquals("int8", ps.getParameterMetaData().getParameterTypeName(2));
            for (int round = 0; round < 3; round++) {
                ps.setBigDecimal(1, new BigDecimal("100.125"));
                ps.setLong(2, 5);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertNull(rs.getString(1));
                    assertEquals(new BigDecimal("-93.875"), rs.getBigDecimal(2));
                    assertEquals(new BigDecimal("-6.25"), rs.getBigDecimal(3));
                }
            }
        }
    }

    @Test
    void aMillionRowsStreamThroughACursorWithAFetchSize() throws SQLException {
        try (Connection c = connect(1)) {
            c.setAutoCommit(false); // pgjdbc fetches in chunks only inside a transaction
            try (PreparedStatement ps = c.prepareStatement("SELECT id, total FROM orders WHERE id > ?")) {
                ps.setFetchSize(10_000);
                ps.setLong(1, 0);
                long rows = 0;
                long sumIds = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        sumIds += rs.getLong(1);
                    }
                }
                assertEquals(ORDERS, rows);
                assertEquals((long) ORDERS * (ORDERS + 1) / 2, sumIds);
            }
            c.commit();
        }
    }

    @Test
    void aFailedStatementAbortsTheTransactionBlockUntilRollback() throws SQLException {
        try (Connection c = connect(0); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            assertEquals(1, count(st, "SELECT count(*) FROM t WHERE id = 1"));
            assertEquals("42P01", assertThrows(SQLException.class, () -> st.executeQuery("SELECT * FROM missing")).getSQLState());
            assertEquals("25P02", assertThrows(SQLException.class, () -> st.executeQuery("SELECT 1")).getSQLState());
            c.rollback();
            assertEquals(20, count(st, "SELECT count(*) FROM t"));
            c.commit();
        }
    }

    @Test
    void writesAreRefusedWith25006AndBadValuesWith22P02() throws SQLException {
        try (Connection c = connect(0)) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE t SET txt = ? WHERE id = ?")) {
                ps.setString(1, "x");
                ps.setLong(2, 1);
                assertEquals("25006", assertThrows(SQLException.class, ps::executeUpdate).getSQLState());
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM t WHERE i4 = ?")) {
                ps.setString(1, "abc");
                SQLException e = assertThrows(SQLException.class, ps::executeQuery);
                assertEquals("22P02", e.getSQLState(), e.getMessage());
            }
        }
    }

    @Test
    void aCancelRequestStopsAStreamingQuery() throws Exception {
        try (RawPgClient client = new RawPgClient(server.port()).startup()) {
            client.query("SELECT a.id, b.id FROM orders a CROSS JOIN orders b"); // 10^12 rows: never ends by itself
            assertEquals('T', client.readUntil('T').type());
            client.readUntil('D');
            Thread.sleep(300); // the server is now held back by a client that does not read
            RawPgClient.cancel(server.port(), client.pid, client.secret);
            RawPgClient.Message error = client.readUntil('E');
            assertNotNull(error, "an ErrorResponse ends the result");
            assertEquals("57014", error.errorField('C'));
            assertEquals('Z', client.readUntil('Z').type());
            client.query("SELECT count(*) FROM t");
            assertEquals("20", new String(dataValue(client.readUntil('D')), StandardCharsets.UTF_8), "the session goes on");
        }
    }

    @Test
    void malformedAndOversizedMessagesGetAProtocolErrorAndOthersAreStillServed() throws Exception {
        try (RawPgClient client = new RawPgClient(server.port()).startup()) {
            client.send('P', new byte[]{'x'}); // a Parse without its NUL terminators
            RawPgClient.Message error = client.readUntil('E');
            assertEquals("08P01", error.errorField('C'), error.errorField('M'));
            assertNull(client.readUntil('Z'), "the connection is closed");
        }
        try (RawPgClient client = new RawPgClient(server.port())) {
            client.out.writeInt(1 << 30); // a startup packet claiming 1 GB
            client.out.writeInt(196608);
            client.out.flush();
            RawPgClient.Message error = client.readUntil('E');
            assertEquals("08P01", error.errorField('C'));
            assertTrue(error.errorField('M').contains("invalid length of startup packet"), error.errorField('M'));
        }
        try (RawPgClient client = new RawPgClient(server.port())) {
            client.out.writeInt(8);
            client.out.writeInt(4 << 16); // protocol 4.0
            client.out.flush();
            RawPgClient.Message error = client.readUntil('E');
            assertTrue(error.errorField('M').startsWith("unsupported frontend protocol 4.0"), error.errorField('M'));
        }
        try (Connection c = connect(0); Statement st = c.createStatement()) {
            assertEquals(20, count(st, "SELECT count(*) FROM t"));
        }
    }

    @Test
    void aClientLeavingMidResultReleasesItsQuery() throws Exception {
        long before = root.getAllocatedMemory();
        for (int i = 0; i < 5; i++) {
            try (RawPgClient client = new RawPgClient(server.port()).startup()) {
                client.query("SELECT a.id, b.id FROM orders a CROSS JOIN orders b");
                client.readUntil('D');
            } // closed without reading on
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((server.sessions() > 0 || root.getAllocatedMemory() > before) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, server.sessions(), "every session ended");
        assertEquals(before, root.getAllocatedMemory(), "the abandoned queries' buffers were released");
    }

    @Test
    void twoHundredConcurrentConnectionsAreEachServed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long id = i % 20 + 1;
                answers.add(pool.submit(() -> {
                    try (Connection c = connect(0); PreparedStatement ps = c.prepareStatement("SELECT i4 FROM t WHERE id = ?")) {
                        ps.setLong(1, id);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return (long) rs.getInt(1);
                        }
                    }
                }));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals((i % 20 + 1) * 10L, answers.get(i).get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of a DataRow. */
    private static byte[] dataValue(RawPgClient.Message row) {
        ByteBuffer b = ByteBuffer.wrap(row.body());
        b.getShort();
        byte[] v = new byte[b.getInt()];
        b.get(v);
        return v;
    }
}
