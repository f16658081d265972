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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Aggregations of many groups over one table run in shares by key ({@code KeySharedAggregate}): each share keeps the
 * rows of its own keys, so no group is lost, split or counted twice, NULL keys included, for integer keys (a
 * multiplicative hash) and other keys (murmur3), with two shares and with three (an uneven division of the buckets).
 */
class KeySharedAggregateTest {
    private static final int ROWS = 30_000;
    private RootAllocator root;
    private DataFusionOlapEngine engine;
    private io.rhei.storage.TableStorage storage;

    @BeforeEach
    void open() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        storage = engine.storage();
        {
            DataFusionOlapEngine loader = engine;
            TableSchema schema = TableSchema.builder(TableId.parse("public.t")).key("id", ColumnType.INT64)
                    .column("k", ColumnType.INT32).column("s", ColumnType.TEXT).column("v", ColumnType.INT64).build();
            loader.ensureTable(schema, 1);
            List<RowChange> rows = new ArrayList<>();
            for (long i = 0; i < ROWS; i++) {
                rows.add(RowChange.upsert(RowKey.of(i), Row.of(i, k(i), s(i), i % 97), 2));
            }
            loader.apply(new TableChangeBatch(schema, false, rows, 2, 2, rows.size()));
        }
    }

    private static Integer k(long i) {
        return i % 7 == 0 ? null : (int) (i % 9000) - 4500;
    }

    private static String s(long i) {
        return i % 11 == 0 ? null : "s" + (i % 5000);
    }

    @AfterEach
    void close() {
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void everyGroupIsAggregatedOnceInExactlyOneShare(int shares) {
        List<String> queries = List.of(
                "SELECT id, sum(v), count(*) FROM t GROUP BY id",
                "SELECT k, count(*), sum(v), min(s) FROM t GROUP BY k",
                "SELECT k, s, count(*), max(v) FROM t WHERE v <> 5 GROUP BY k, s",
                "SELECT k, v, count(*) FROM t GROUP BY k, v HAVING count(*) > 1",
                "SELECT s, avg(v), count(*) FROM t GROUP BY s");
        try (DataFusionOlapEngine byKey = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(shares).withParallelMinRows(0));
             DataFusionOlapEngine onePlan = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(1))) {
            for (String sql : queries) {
                String plan = byKey.explain(sql, root);
                assertTrue(plan.contains("in shares by key:"), plan); // by hash, not by range
                List<List<Object>> split = sorted(byKey, sql);
                assertEquals(sorted(onePlan, sql), split, sql);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void theNullKeyIsOneGroupWithAllItsRows(int shares) {
        Map<Integer, long[]> expected = new HashMap<>();
        for (long i = 0; i < ROWS; i++) {
            long[] g = expected.computeIfAbsent(k(i), x -> new long[2]);
            g[0]++;
            g[1] += i % 97;
        }
        try (DataFusionOlapEngine byKey = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(shares).withParallelMinRows(0))) {
            List<List<Object>> rows = QueryResults.read(byKey.query("SELECT k, count(*), sum(v) FROM t GROUP BY k", root)).rows();
            assertEquals(expected.size(), rows.size());
            for (List<Object> r : rows) {
                long[] g = expected.get(r.get(0) == null ? null : ((Number) r.get(0)).intValue());
                assertEquals(g[0], ((Number) r.get(1)).longValue(), "count of k = " + r.get(0));
                assertEquals(g[1], ((Number) r.get(2)).longValue(), "sum of k = " + r.get(0));
            }
        }
    }

    private List<List<Object>> sorted(DataFusionOlapEngine e, String sql) {
        return SortedRows.of(e, sql, root);
    }
}
