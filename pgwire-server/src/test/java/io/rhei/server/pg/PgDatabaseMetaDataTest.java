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

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pgjdbc's DatabaseMetaData, which DBeaver and Metabase list tables and columns with, against Rhei's pg_catalog. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgDatabaseMetaDataTest {
    private RootAllocator root;
    private DataFusionOlapEngine engine;
    private PgWireServer server;

    @BeforeAll
    void start() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        OrdersTable.load(engine, 100);
        // a composite key whose order differs from the columns' order
        engine.ensureTable(new io.rhei.core.schema.TableSchema(io.rhei.core.model.TableId.parse("public.order_lines"), 1, List.of(
                io.rhei.core.schema.Column.required("order_id", io.rhei.core.schema.ColumnType.INT64),
                io.rhei.core.schema.Column.nullable("qty", io.rhei.core.schema.ColumnType.INT32),
                io.rhei.core.schema.Column.required("line", io.rhei.core.schema.ColumnType.INT32)), List.of("line", "order_id")), 1);
        server = PgWireServer.start(engine, root, "127.0.0.1", 0, PgWireServer.Auth.NONE);
    }

    @AfterAll
    void stop() {
        server.close();
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    private Connection connect() throws SQLException {
        return PgWireServerTest.connect(server, "rhei", "", "extended");
    }

    private static List<String> column(ResultSet rs, String name) throws SQLException {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
            out.add(rs.getString(name));
        }
        return out;
    }

    @Test
    void schemas() throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getSchemas()) {
            assertTrue(column(rs, "TABLE_SCHEM").contains("public"));
        }
    }

    @Test
    void tables() throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[]{"TABLE"})) {
            assertEquals(List.of("order_lines", "orders"), column(rs, "TABLE_NAME"));
        }
    }

    @Test
    void columns() throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getColumns(null, "public", "orders", "%")) {
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString("COLUMN_NAME"));
                types.add(rs.getString("TYPE_NAME"));
            }
            assertEquals(List.of("id", "status", "total"), names);
            assertEquals(List.of("int8", "text", "numeric"), types);
        }
    }

    /** pgjdbc reads keys with information_schema._pg_expandarray (a set-returning function in the select list). */
    @Test
    void primaryKeysIncludingACompositeOneInKeyOrder() throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getPrimaryKeys(null, "public", "orders")) {
            assertTrue(rs.next());
            assertEquals("orders", rs.getString("TABLE_NAME"));
            assertEquals("id", rs.getString("COLUMN_NAME"));
            assertEquals(1, rs.getInt("KEY_SEQ"));
            assertEquals("orders_pkey", rs.getString("PK_NAME"));
            assertFalse(rs.next());
        }
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getPrimaryKeys(null, "public", "order_lines")) {
            List<String> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(rs.getString("COLUMN_NAME") + ":" + rs.getInt("KEY_SEQ"));
            }
            // the key is (line, order_id) in that order, although order_id is the table's first column
            assertEquals(List.of("line:1", "order_id:2"), keys);
        }
        try (Connection c = connect(); java.sql.Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT column_name FROM information_schema.key_column_usage WHERE table_name = 'orders'")) {
            assertEquals(List.of("id"), column(rs, "column_name"));
        }
    }

    @Test
    void typeInfoListsTheTypesWithTheirJdbcTypes() throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getTypeInfo()) {
            java.util.Map<String, Integer> types = new java.util.HashMap<>();
            while (rs.next()) {
                types.put(rs.getString("TYPE_NAME"), rs.getInt("DATA_TYPE"));
            }
            assertEquals(java.sql.Types.BIGINT, types.get("int8"), types.toString());
            assertEquals(java.sql.Types.NUMERIC, types.get("numeric"), types.toString());
            assertEquals(java.sql.Types.VARCHAR, types.get("text"), types.toString());
            assertEquals(java.sql.Types.TIMESTAMP, types.get("timestamptz"), types.toString());
        }
    }

    @Test
    void setConfigAndKeywordsAsClientsCallThem() throws SQLException {
        try (Connection c = connect(); java.sql.Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_catalog.set_config('search_path', '', false)")) {
                assertTrue(rs.next());
                assertEquals("", rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("SELECT word, catcode FROM pg_catalog.pg_get_keywords() WHERE word IN ('select', 'abs')")) {
                List<String> words = new ArrayList<>();
                while (rs.next()) {
                    words.add(rs.getString(1) + ":" + rs.getString(2));
                }
                assertTrue(words.contains("select:R"), words.toString());
            }
            StringBuilder standard = new StringBuilder("{");
            for (int i = 0; i < 800; i++) {
                standard.append("w").append(i).append(',');
            }
            long t0 = System.nanoTime();
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_catalog.pg_get_keywords() WHERE word <> ALL ('"
                    + standard + "select}'::text[]) AND word IN ('select', 'from')")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getLong(1), "'from' is a keyword and not in the list, 'select' is in it");
            }
            org.slf4j.LoggerFactory.getLogger(getClass()).info("800-element NOT IN: {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
