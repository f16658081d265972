package io.rhei.server.pg;

import io.rhei.storage.StorageConfig;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * psql's {@code \d+ table}: the nine catalog queries psql 17 sends (captured with {@code psql -E}, in
 * {@code psql-describe-table.sql}) over the simple protocol, as psql sends them, with the answers psql prints from.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PsqlDescribeTest {
    private RootAllocator root;
    private DataFusionOlapEngine engine;
    private PgWireServer server;

    @BeforeAll
    void start() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        engine.ensureTable(new io.rhei.core.schema.TableSchema(io.rhei.core.model.TableId.parse("public.order_lines"), 1, List.of(
                io.rhei.core.schema.Column.required("order_id", io.rhei.core.schema.ColumnType.INT64),
                io.rhei.core.schema.Column.nullable("note", io.rhei.core.schema.ColumnType.bpchar(3)),
                io.rhei.core.schema.Column.required("price", io.rhei.core.schema.ColumnType.decimal(10, 2)),
                io.rhei.core.schema.Column.required("line", io.rhei.core.schema.ColumnType.INT32)), List.of("order_id", "line")), 1);
        server = PgWireServer.start(engine, root, "127.0.0.1", 0, PgWireServer.Auth.NONE);
    }

    @AfterAll
    void stop() {
        server.close();
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    private static List<String> queries(String oid) throws IOException {
        try (InputStream in = PsqlDescribeTest.class.getResourceAsStream("/psql-describe-table.sql")) {
            List<String> out = new ArrayList<>();
            StringBuilder q = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.strip().equals(";")) {
                    out.add(q.toString().replace("{oid}", oid).strip());
                    q.setLength(0);
                } else if (!line.startsWith("-- ")) {
                    q.append(line).append('\n');
                }
            }
            return out;
        }
    }

    private static List<List<String>> rows(Statement st, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    @Test
    void everyQueryOfDescribeTableIsAnsweredWithWhatPsqlPrints() throws Exception {
        try (Connection c = PgWireServerTest.connect(server, "rhei", "", "simple"); Statement st = c.createStatement()) {
            List<List<String>> found = rows(st, queries("0").get(0).replace("order_items", "order_lines"));
            assertEquals(1, found.size(), "the table found by name: " + found);
            String oid = found.get(0).get(0);
            assertEquals(List.of("public", "order_lines"), found.get(0).subList(1, 3));
            List<String> queries = queries(oid);
            // the table: kind r, has an index, access method heap
            List<String> table = rows(st, queries.get(1)).get(0);
            assertEquals("r", table.get(1));
            assertEquals("t", table.get(2));
            assertEquals("heap", table.get(table.size() - 1));
            // columns: name, type as format_type prints it, no default, not null; storage as psql shows it
            List<List<String>> columns = rows(st, queries.get(2));
            assertEquals(4, columns.size());
            assertEquals(List.of("order_id", "bigint"), columns.get(0).subList(0, 2));
            assertEquals(List.of("note", "character(3)"), columns.get(1).subList(0, 2));
            assertEquals(List.of("price", "numeric(10,2)"), columns.get(2).subList(0, 2));
            assertEquals(null, columns.get(0).get(2), "no default");
            assertEquals("t", columns.get(0).get(3));
            assertEquals("f", columns.get(1).get(3));
            assertEquals(List.of("p", "x", "m", "p"), columns.stream().map(r -> r.get(7)).toList(), "attstorage: numeric is main in PostgreSQL");
            // the primary key with its definitions: "order_lines_pkey" PRIMARY KEY, btree (order_id, line)
            List<List<String>> indexes = rows(st, queries.get(3));
            assertEquals(1, indexes.size());
            List<String> pkey = indexes.get(0);
            assertEquals(List.of("order_lines_pkey", "t", "t"), pkey.subList(0, 3));
            assertEquals("CREATE UNIQUE INDEX order_lines_pkey ON public.order_lines USING btree (order_id, line)", pkey.get(5));
            assertEquals("PRIMARY KEY (order_id, line)", pkey.get(6));
            assertEquals("p", pkey.get(7));
            // two scalar subqueries in one select list correlated to two tables of its FROM: Calcite cannot convert
            // that, so the definitions of a pg_index and pg_constraint in FROM are read from their rows
            assertEquals(List.of(List.of("order_lines_pkey", "PRIMARY KEY (order_id, line)")), rows(st,
                    "SELECT (SELECT c2.relname FROM pg_catalog.pg_class c2 WHERE c2.oid = i.indexrelid), pg_catalog.pg_get_constraintdef(k.oid)"
                            + " FROM pg_catalog.pg_index i, pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid"));
            // policies, statistics objects, publications, parents and partitions: none on the read-only copy
            for (int q = 4; q < queries.size(); q++) {
                assertTrue(rows(st, queries.get(q)).isEmpty(), queries.get(q));
            }
        }
    }
}
