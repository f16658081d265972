package io.rhei.olap;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Aggregations over joins of several tables on one key run in shares by key range ({@code KeyRangeShares}) when the
 * tables are stored in key order: each share joins the rows of its own keys only, so that every joined row is made
 * in exactly one share. Checked against one plan, with two shares and with three, through inner, semi, anti and left
 * joins, NULL keys, aggregates that merge and groups that are the key's own; and refused where it would be wrong (a
 * join of the key's tables on another column) or slow (a table not stored in key order).
 */
class KeyRangeSharesTest {
    private static final int ORDERS = 12_000;
    private static final int COMMITS = 8;
    private RootAllocator root;
    private DataFusionOlapEngine engine;
    private io.rhei.storage.TableStorage storage;

    @BeforeEach
    void open() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        storage = engine.storage();
        TableSchema orders = TableSchema.builder(TableId.parse("public.orders")).key("o_key", ColumnType.INT64)
                .column("o_cust", ColumnType.INT32).column("o_status", ColumnType.TEXT).build();
        TableSchema items = TableSchema.builder(TableId.parse("public.items")).key("i_id", ColumnType.INT64)
                .column("i_order", ColumnType.INT64).column("i_supp", ColumnType.INT32).column("i_qty", ColumnType.INT32)
                .column("i_late", ColumnType.BOOLEAN).build();
        TableSchema supp = TableSchema.builder(TableId.parse("public.supp")).key("s_key", ColumnType.INT32)
                .column("s_nation", ColumnType.INT32).build();
        TableSchema shuffled = TableSchema.builder(TableId.parse("public.shuffled")).key("x_id", ColumnType.INT64)
                .column("x_order", ColumnType.INT64).column("x_qty", ColumnType.INT32).build();
        for (TableSchema s : List.of(orders, items, supp, shuffled)) {
            engine.ensureTable(s, 1);
        }
        Random rnd = new Random(7);
        long seq = 1;
        long item = 0;
        // orders and their items arrive in order-number order, in several commits: files of key ranges
        for (int c = 0; c < COMMITS; c++) {
            List<RowChange> o = new ArrayList<>();
            List<RowChange> i = new ArrayList<>();
            for (long k = (long) c * ORDERS / COMMITS; k < (long) (c + 1) * ORDERS / COMMITS; k++) {
                long key = k * 4 + 1; // sparse keys, like TPC-H's
                o.add(RowChange.upsert(RowKey.of(key), Row.of(key, (int) (k % 500), k % 3 == 0 ? "F" : k % 3 == 1 ? "O" : null), seq));
                for (int n = 0; n < 1 + rnd.nextInt(6); n++) {
                    // in the first and last commits, one item in 10 belongs to no order (a NULL key, the first
                    // share's: it reads the last file too); one in 40 belongs to an order that does not exist
                    Long order = (c == 0 || c == COMMITS - 1) && item % 10 == 0 ? null : item % 40 == 0 ? key + 2 : key;
                    i.add(RowChange.upsert(RowKey.of(item), Row.of(item, order, rnd.nextInt(20), rnd.nextInt(50), rnd.nextBoolean()), seq));
                    item++;
                }
            }
            engine.apply(new TableChangeBatch(orders, false, o, seq, seq, o.size()));
            seq++;
            engine.apply(new TableChangeBatch(items, false, i, seq, seq, i.size()));
            seq++;
        }
        List<RowChange> s = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            s.add(RowChange.upsert(RowKey.of(k), Row.of(k, k % 4), seq));
        }
        engine.apply(new TableChangeBatch(supp, false, s, seq, seq, s.size()));
        seq++;
        // the same kind of rows, but every commit holds keys from the whole range
        for (int c = 0; c < COMMITS; c++) {
            List<RowChange> x = new ArrayList<>();
            for (long k = c; k < ORDERS * 3L; k += COMMITS) {
                long order = (k * 7919) % ORDERS * 4 + 1;
                x.add(RowChange.upsert(RowKey.of(k), Row.of(k, order, (int) (k % 9)), seq));
            }
            engine.apply(new TableChangeBatch(shuffled, false, x, seq, seq, x.size()));
            seq++;
        }
    }

    @AfterEach
    void close() {
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void everyJoinedRowIsMadeInExactlyOneShare(int shares) {
        List<String> queries = List.of(
                // semi and anti joins of one table with itself on the key (TPC-H Q21's shape)
                "SELECT s_nation, count(*) FROM items i1 JOIN orders ON o_key = i1.i_order JOIN supp ON s_key = i1.i_supp "
                        + "WHERE o_status = 'F' AND i1.i_late "
                        + "AND EXISTS (SELECT * FROM items i2 WHERE i2.i_order = i1.i_order AND i2.i_supp <> i1.i_supp) "
                        + "AND NOT EXISTS (SELECT * FROM items i3 WHERE i3.i_order = i1.i_order AND i3.i_supp <> i1.i_supp AND i3.i_late) "
                        + "GROUP BY s_nation",
                // grouped by the key: each share's groups are its own
                "SELECT o_key, count(*), sum(i_qty), max(i_supp) FROM orders JOIN items ON o_key = i_order GROUP BY o_key",
                // aggregates the merge combines (pairs of an order's items)
                "SELECT o_status, count(*), sum(i1.i_qty), avg(i2.i_qty), min(i1.i_supp), max(o_cust) FROM orders "
                        + "JOIN items i1 ON o_key = i1.i_order JOIN items i2 ON i2.i_order = i1.i_order AND i2.i_id <> i1.i_id GROUP BY o_status",
                // left joins keep each item once, those of no order (NULL key) and of a missing order included
                "SELECT i1.i_late, count(*), count(o_key), sum(i1.i_qty), count(i2.i_id) FROM items i1 LEFT JOIN orders ON i1.i_order = o_key "
                        + "LEFT JOIN items i2 ON i2.i_order = i1.i_order AND i2.i_supp = i1.i_supp AND i2.i_id <> i1.i_id GROUP BY i1.i_late",
                // orders with no late item (an anti join whose kept side is the smaller)
                "SELECT o_status, count(*) FROM orders WHERE NOT EXISTS (SELECT * FROM items WHERE i_order = o_key AND i_late) "
                        + "GROUP BY o_status");
        try (DataFusionOlapEngine ranged = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(shares).withParallelMinRows(0));
             DataFusionOlapEngine onePlan = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(1))) {
            for (String sql : queries) {
                String plan = ranged.explain(sql, root);
                assertTrue(plan.contains("in shares by key range of"), sql + "\n" + plan);
                assertEquals(sorted(onePlan, sql), sorted(ranged, sql), sql);
            }
        }
    }

    @Test
    void aJoinOfTheKeysTablesOnAnotherColumnIsNotDividedByKey() {
        String sql = "SELECT orders.o_status, count(*) FROM orders JOIN items ON o_key = i_order JOIN orders o2 ON o2.o_cust = items.i_qty "
                + "GROUP BY orders.o_status";
        try (DataFusionOlapEngine ranged = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(2).withParallelMinRows(0));
             DataFusionOlapEngine onePlan = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(1))) {
            assertFalse(ranged.explain(sql, root).contains("by key range"), ranged.explain(sql, root));
            assertEquals(sorted(onePlan, sql), sorted(ranged, sql), sql);
        }
    }

    @Test
    void aTableNotStoredInKeyOrderIsNotDividedByKey() {
        String sql = "SELECT o_key, count(*), sum(x_qty) FROM orders JOIN shuffled ON o_key = x_order GROUP BY o_key";
        String inOrder = "SELECT o_key, count(*), sum(i_qty) FROM orders JOIN items ON o_key = i_order GROUP BY o_key";
        try (DataFusionOlapEngine ranged = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(2).withParallelMinRows(0));
             DataFusionOlapEngine onePlan = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(1))) {
            assertTrue(ranged.explain(inOrder, root).contains("by key range"), ranged.explain(inOrder, root));
            assertFalse(ranged.explain(sql, root).contains("by key range"), ranged.explain(sql, root));
            assertEquals(sorted(onePlan, sql), sorted(ranged, sql), sql);
        }
    }

    private List<List<Object>> sorted(DataFusionOlapEngine e, String sql) {
        return SortedRows.of(e, sql, root);
    }
}
