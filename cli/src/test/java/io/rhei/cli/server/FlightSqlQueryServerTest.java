package io.rhei.cli.server;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        TableSchema schema = TableSchema.builder(TableId.parse("public.orders")).key("id", ColumnType.INT64)
                .column("status", ColumnType.TEXT).column("total", ColumnType.decimal(12, 2)).build();
        engine.ensureTable(schema, 1);
        List<RowChange> rows = new ArrayList<>();
        for (long i = 1; i <= 50_000; i++) {
            rows.add(RowChange.upsert(RowKey.of(i), Row.of(i, i % 2 == 0 ? "paid" : "new", BigDecimal.valueOf(i, 2)), 2));
        }
        engine.apply(new TableChangeBatch(schema, false, rows, 2, 2, rows.size()));
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
    void rheiQueryCommandPrintsTableCsvAndJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path secret = dir.resolve("pw");
        java.nio.file.Files.writeString(secret, "s3cret\n");
        for (String[] fmt : new String[][]{{"table", "status | n"}, {"csv", "new,25000"}, {"json", "{\"status\": \"paid\", \"n\": 25000}"}}) {
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            io.rhei.cli.Rhei.Run run = io.rhei.cli.Rhei.run(new java.io.PrintStream(buf, true, "UTF-8"), "query", "--server", "127.0.0.1:" + server.port(),
                    "--user", "rhei", "--password-file", secret.toString(), "--format", fmt[0],
                    "SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status");
            String printed = buf.toString("UTF-8");
            assertEquals(0, run.exitCode(), printed + run.errors());
            assertTrue(printed.contains(fmt[1]), fmt[0] + ":\n" + printed);
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
}
