package io.rhei.olap;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import io.rhei.testing.OrdersTable;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** pg_catalog and information_schema: tables generated from the synced tables' schemas, read by ordinary queries. */
class CatalogTablesTest {
    private RootAllocator root;
    private DataFusionOlapEngine engine;

    @BeforeEach
    void open() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        OrdersTable.load(engine, 10);
    }

    @AfterEach
    void close() {
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    private List<List<Object>> q(String sql) {
        return QueryResults.read(engine.query(sql, root)).rows();
    }

    @Test
    void informationSchemaDescribesTablesColumnsAndKeys() {
        assertEquals(List.of(List.of("public", "orders", "BASE TABLE")),
                q("SELECT table_schema, table_name, table_type FROM information_schema.tables ORDER BY table_name"));
        assertEquals(List.of(List.of("id", 1, "bigint", "NO"), List.of("status", 2, "text", "YES"), List.of("total", 3, "numeric", "YES")),
                q("SELECT column_name, ordinal_position, data_type, is_nullable FROM information_schema.columns "
                        + "WHERE table_schema = 'public' AND table_name = 'orders' ORDER BY ordinal_position"));
        assertEquals(List.of(List.of("orders_pkey", "id", 1)), q("SELECT k.constraint_name, k.column_name, k.ordinal_position "
                + "FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name "
                + "WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_name = 'orders'"));
    }

    @Test
    void pgCatalogJoinsAsPostgresClientsJoinIt() {
        assertEquals(List.of(List.of("orders", "public")), q("SELECT c.relname, n.nspname FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'"));
        assertEquals(List.of(List.of("id", "int8", -1, true), List.of("status", "text", -1, false), List.of("total", "numeric", 786_438, false)),
                q("SELECT a.attname, t.typname, a.atttypmod, a.attnotnull FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid "
                        + "JOIN pg_type t ON t.oid = a.atttypid WHERE c.relname = 'orders' ORDER BY a.attnum"));
        assertEquals(List.of(List.of("orders_pkey", "{1}")), q("SELECT conname, conkey FROM pg_constraint WHERE contype = 'p'"));
        assertEquals(List.of(List.of("rhei")), q("SELECT datname FROM pg_database"));
    }

    @Test
    void theCatalogFollowsANewTable() {
        assertEquals(List.of(List.of(1L)), q("SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 2200"));
        engine.ensureTable(TableSchema.builder(TableId.parse("sales.items")).key("sku", ColumnType.TEXT).column("qty", ColumnType.INT32).build(), 1);
        assertEquals(List.of(List.of("sales", "items")), q("SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = 'sales'"));
        assertEquals(List.of(List.of(2L)), q("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind = 'r' AND n.nspname <> 'pg_catalog'"));
    }

    @Test
    void probesGrafanaSends() {
        assertEquals(List.of(List.of(1700)), q("SELECT current_setting('server_version_num')::int/100"));
        List<List<Object>> bucket = q("SELECT floor(extract(epoch from '2024-01-01 00:07:00+00'::timestamptz)/300)*300");
        assertEquals(0, new java.math.BigDecimal("1704067500").compareTo(new java.math.BigDecimal(bucket.get(0).get(0).toString())), bucket.toString());
    }

    @Test
    void regclassAndRegtypePrintAsNamesAndCompareAsOids() {
        engine.ensureTable(TableSchema.builder(TableId.parse("sales.items")).key("sku", ColumnType.TEXT).column("qty", ColumnType.INT32).build(), 1);
        // a select list's cast prints the name, qualified when its schema is off the search path; the column keeps its name
        QueryResults.Table t = QueryResults.read(engine.query("SELECT c.oid::regclass, c.relkind FROM pg_class c "
                + "WHERE c.relnamespace <> 11 ORDER BY c.relname", root));
        assertEquals(List.of("oid", "relkind"), t.columns());
        assertEquals(List.of(List.of("sales.items", "r"), List.of("sales.items_pkey", "i"), List.of("orders", "r"), List.of("orders_pkey", "i")),
                t.rows());
        assertEquals(List.of(List.of("integer")), q("SELECT a.atttypid::regtype AS t FROM pg_attribute a WHERE a.attname = 'qty'"));
        // sorted by OID, as PostgreSQL sorts a regclass, whether the ORDER BY names the column by position or by name
        List<List<Object>> byOid = q("SELECT c.relname, c.oid FROM pg_class c WHERE c.relnamespace <> 11 ORDER BY c.oid DESC");
        List<Object> namesByOid = byOid.stream().map(r -> r.get(0)).toList();
        assertEquals(namesByOid, q("SELECT c.oid::regclass AS r, c.relname FROM pg_class c WHERE c.relnamespace <> 11 ORDER BY 1 DESC")
                .stream().map(r -> r.get(1)).toList());
        assertEquals(namesByOid, q("SELECT c.oid::regclass AS r, c.relname FROM pg_class c WHERE c.relnamespace <> 11 ORDER BY r DESC")
                .stream().map(r -> r.get(1)).toList());
        // ::regclass::text anywhere is the name; a literal cast and a comparison stay OIDs
        assertEquals(List.of(List.of("status")), q("SELECT attname FROM pg_attribute WHERE attrelid::regclass::text = 'orders' AND attnum = 2"));
        assertEquals(List.of(List.of("status")), q("SELECT attname FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attnum = 2"));
        assertEquals(List.of(List.of("pg_class")), q("SELECT 1259::regclass"));
        assertEquals(List.of(List.of("orders", "orders")), q("SELECT 'orders'::regclass, 'public.orders'::regclass::text"));
        assertEquals(List.of(List.of("123")), q("SELECT x::regclass FROM (VALUES (123)) v(x)"), "an OID no table has prints as the number");
    }

    @Test
    void relationSizesAndPgSizePrettyAsPostgresPrintsThem() {
        // PostgreSQL's own regression answers (dbsize.out), through the SQL rewrite and the Java one
        long[] sizes = {10, 1000, 10239, 10240, 1_000_000, 10_485_247, 10_485_248, 1_000_000_000L, 1_000_000_000_000L, 1_000_000_000_000_000L};
        String[] pretty = {"10 bytes", "1000 bytes", "10239 bytes", "10 kB", "977 kB", "10239 kB", "10 MB", "954 MB", "931 GB", "909 TB"};
        for (int i = 0; i < sizes.length; i++) {
            assertEquals(pretty[i], io.rhei.olap.catalog.PgCatalog.prettySize(sizes[i]));
            assertEquals("-" + pretty[i], io.rhei.olap.catalog.PgCatalog.prettySize(-sizes[i]));
            assertEquals(List.of(List.of(pretty[i], "-" + pretty[i])),
                    q("SELECT pg_size_pretty(s), pg_size_pretty(-s) FROM (VALUES (CAST(" + sizes[i] + " AS BIGINT))) v(s)"));
        }
        // psql's \dt+ asks pg_size_pretty(pg_table_size(c.oid)): the table's bytes now, growing with its rows
        String sql = "SELECT pg_catalog.pg_size_pretty(pg_catalog.pg_table_size(c.oid)), pg_table_size(c.oid), pg_relation_size(c.oid) "
                + "FROM pg_catalog.pg_class c WHERE c.relname = 'orders'";
        List<Object> before = q(sql).get(0);
        long bytes = ((Number) before.get(1)).longValue();
        assertEquals(io.rhei.olap.catalog.PgCatalog.prettySize(bytes), before.get(0));
        assertEquals(bytes, ((Number) before.get(2)).longValue());
        List<io.rhei.core.sink.RowChange> more = new java.util.ArrayList<>();
        for (long i = 11; i <= 100_000; i++) {
            more.add(io.rhei.core.sink.RowChange.upsert(io.rhei.core.model.RowKey.of(i), io.rhei.core.model.Row.of(i, "new",
                    java.math.BigDecimal.ONE), 3));
        }
        engine.apply(new io.rhei.core.sink.TableChangeBatch(OrdersTable.SCHEMA, false, more, 3, 3, more.size()));
        long after = ((Number) q(sql).get(0).get(1)).longValue();
        assertEquals(true, after > bytes, before + " then " + after);
        assertEquals(List.of(List.of(after)), q("SELECT pg_database_size(current_database())"));
    }

    @Test
    void psqlListsRolesWithTheirEmptyMemberships() {
        // psql 15's \du: ARRAY(a select over pg_auth_members, which a read-only copy has none of) is the empty array
        assertEquals(List.of(List.of("rhei", true, "{}")), q("SELECT r.rolname, r.rolcanlogin, ARRAY(SELECT b.rolname FROM pg_catalog.pg_auth_members m "
                + "JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid) WHERE m.member = r.oid) as memberof, r.rolvaliduntil "
                + "FROM pg_catalog.pg_roles r WHERE r.rolname !~ '^pg_' ORDER BY 1").stream().map(row -> row.subList(0, 3)).toList());
    }
}
