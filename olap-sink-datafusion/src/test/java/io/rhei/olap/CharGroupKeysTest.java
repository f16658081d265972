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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group keys that are char(1) columns are grouped by their code points ({@code CharGroupKeys}), with the same answers. */
class CharGroupKeysTest {
    private static final String[] FLAGS = {"A", "é", " ", null, "\uD83D\uDE00", "a", "N"};
    private static final String[] STATUS = {"F", "O"};
    private RootAllocator root;
    private DataFusionOlapEngine engine;

    @BeforeEach
    void open() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()),
                NativeQueryOptions.defaults().withParallelism(2).withParallelMinRows(0));
        TableSchema schema = TableSchema.builder(TableId.parse("public.items")).key("id", ColumnType.INT64)
                .column("flag", ColumnType.bpchar(1)).column("status", ColumnType.bpchar(1)).column("word", ColumnType.bpchar(3))
                .column("v", ColumnType.INT64).build();
        engine.ensureTable(schema, 1);
        List<RowChange> rows = new ArrayList<>();
        for (long i = 0; i < 5000; i++) {
            // "" is stored as " ": a char(1) value is one character, as PostgreSQL keeps it
            String flag = i % 11 == 10 ? "" : FLAGS[(int) (i % FLAGS.length)];
            rows.add(RowChange.upsert(RowKey.of(i), Row.of(i, flag, STATUS[(int) (i % 3 == 0 ? 0 : 1)], "w" + (i % 2), i), 2));
        }
        engine.apply(new TableChangeBatch(schema, false, rows, 2, 2, rows.size()));
    }

    @AfterEach
    void close() {
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    @Test
    void char1GroupKeysGiveTheSameGroupsAndValues() {
        String sql = "SELECT flag, status, count(*), sum(v) FROM items GROUP BY flag, status";
        String plan = planText(sql);
        assertTrue(plan.contains("\"ascii\"") && plan.contains("\"chr\"") && plan.contains("rhei:shares"), plan);
        Map<String, long[]> expected = new TreeMap<>();
        for (long i = 0; i < 5000; i++) {
            String flag = i % 11 == 10 ? " " : FLAGS[(int) (i % FLAGS.length)];
            long[] g = expected.computeIfAbsent(flag + "|" + STATUS[(int) (i % 3 == 0 ? 0 : 1)], k -> new long[2]);
            g[0]++;
            g[1] += i;
        }
        Map<String, long[]> actual = new TreeMap<>();
        for (List<Object> r : QueryResults.read(engine.query(sql, root)).rows()) {
            actual.put(r.get(0) + "|" + r.get(1), new long[]{(Long) r.get(2), ((Number) r.get(3)).longValue()});
        }
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertEquals(Arrays.toString(v), Arrays.toString(actual.get(k)), k));
    }

    @Test
    void otherKeysAndComputedChar1KeysKeepTheirValues() {
        // a char(3) key and a computed char(1) key are grouped as strings
        String sql = "SELECT word, CAST(word AS char(1)) AS c, count(*) FROM items GROUP BY word, CAST(word AS char(1)) ORDER BY word";
        assertFalse(planText(sql).contains("\"ascii\""));
        assertEquals(List.of(List.of("w0 ", "w", 2500L), List.of("w1 ", "w", 2500L)), QueryResults.read(engine.query(sql, root)).rows());
    }

    /** The native plan of {@code sql} and of the stages it runs first, as text. */
    private String planText(String sql) {
        return text(new io.rhei.olap.sql.SqlPlanner(engine.storage(), 2, 0, 0).plan(sql, root));
    }

    private static String text(io.rhei.olap.physical.LoweredPlan plan) {
        StringBuilder out = new StringBuilder(plan.plan().toString());
        for (io.rhei.olap.physical.ScanInput s : plan.scans()) {
            if (s instanceof io.rhei.olap.physical.ScanInput.Partitioned p) {
                out.append(text(p.stage()));
            }
        }
        return out.toString();
    }

    /** explain shows the plan that runs: planned with the column statistics a query counts, with its stages. */
    @Test
    void explainShowsTheStagesInShares() {
        String explained = engine.explain("SELECT flag, count(*) FROM items GROUP BY flag", root);
        assertTrue(explained.contains("stage rhei:shares:") && explained.contains("HashAggregate Partial"), explained);
    }
}
