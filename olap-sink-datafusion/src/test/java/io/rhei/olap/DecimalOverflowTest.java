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

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Numeric results near and beyond the 38 digits of Rhei's numeric: never a NULL where PostgreSQL has a value. A sum
 * or difference whose scale gives way is computed at the result's scale; a result that still does not fit is
 * PostgreSQL's "numeric field overflow" error (the native operator alone gave NULL).
 */
class DecimalOverflowTest {
    private RootAllocator root;
    private DataFusionOlapEngine engine;

    @BeforeEach
    void open() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        TableSchema nt = TableSchema.builder(TableId.parse("public.nt")).key("id", ColumnType.INT64).column("n", ColumnType.decimal(18, 4))
                .column("i8", ColumnType.INT64).build();
        engine.ensureTable(nt, 1);
        List<RowChange> rows = List.of(
                RowChange.upsert(RowKey.of(1L), Row.of(1L, new BigDecimal("-99999999999999.9999"), Long.MAX_VALUE), 2),
                RowChange.upsert(RowKey.of(2L), Row.of(2L, new BigDecimal("1.5000"), 2L), 2));
        engine.apply(new TableChangeBatch(nt, false, rows, 2, 2, rows.size()));
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
    void aDifferenceBeyondEighteenIntegerDigitsIsComputed() {
        List<List<Object>> rows = q("SELECT id, (n / 7) - i8 FROM nt ORDER BY id");
        // -99999999999999.9999 / 7 = -14285714285714.2857 exactly; minus 9223372036854775807
        assertEquals(0, new BigDecimal("-9223386322569061521.2857").compareTo((BigDecimal) rows.get(0).get(1)), rows.toString());
        BigDecimal small = (BigDecimal) rows.get(1).get(1);
        assertEquals(0, new BigDecimal("-1.785714285714285714").compareTo(small.setScale(18, java.math.RoundingMode.HALF_UP)), rows.toString());
    }

    /**
     * decimal(31,4) times decimal(16,2): rows whose operands fit 21 and 16 digits take the 128-bit product, the others
     * the 256-bit one; every product is exact, NULLs stay NULL, on both sides of the boundary.
     */
    @Test
    void aWideProductIsExactWhetherItsOperandsFitTheNarrowProductOrNot() {
        TableSchema wide = TableSchema.builder(TableId.parse("public.wide")).key("id", ColumnType.INT64).column("a", ColumnType.decimal(31, 4))
                .column("b", ColumnType.decimal(16, 2)).build();
        engine.ensureTable(wide, 3);
        BigDecimal[][] values = {
                {new BigDecimal("12.3456"), new BigDecimal("1.05")},
                {new BigDecimal("1234567890123456789012.3456"), new BigDecimal("0.01")}, // 22 integer digits: the wide product
                {null, new BigDecimal("1.00")},
                {new BigDecimal("5.0000"), null},
                {new BigDecimal("-99999999999999999.9999"), new BigDecimal("-99999999999999.99")}, // the largest narrow operands
                {new BigDecimal("100000000000000000.0000"), new BigDecimal("2.00")}, // 10^17: one digit too many
                {new BigDecimal("-100000000000000000.0001"), new BigDecimal("-0.01")}, // past -10^17
        };
        List<RowChange> rows = new java.util.ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            rows.add(RowChange.upsert(RowKey.of((long) i), Row.of((long) i, values[i][0], values[i][1]), 4));
        }
        engine.apply(new TableChangeBatch(wide, false, rows, 4, 4, rows.size()));
        List<List<Object>> got = q("SELECT id, a * b FROM wide ORDER BY id");
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < values.length; i++) {
            BigDecimal expected = values[i][0] == null || values[i][1] == null ? null : values[i][0].multiply(values[i][1]);
            BigDecimal actual = (BigDecimal) got.get(i).get(1);
            if (expected == null) {
                assertEquals(null, actual, "row " + i);
            } else {
                assertEquals(0, expected.compareTo(actual), "row " + i + ": " + actual + " where the product is " + expected);
                total = total.add(expected);
            }
        }
        assertEquals(0, total.compareTo((BigDecimal) q("SELECT sum(a * b) FROM wide").get(0).get(0)));
        // the plan's shape: a CASE between the 128-bit product of the operands narrowed to decimal(21,4) and
        // decimal(16,2) (precisions adding up to 37), and the product of the operands as typed
        String plan = new io.rhei.olap.sql.SqlPlanner(engine.storage()).plan("SELECT a * b FROM wide").plan().toString();
        assertTrue(plan.contains("caseWhen") && plan.contains("precision: 21"), plan);
    }

    @Test
    void aResultBeyondThirtyEightDigitsIsAnErrorNotANull() {
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT id, n * i8 * i8 FROM nt ORDER BY id"));
        assertTrue(e.getMessage().contains("numeric field overflow"), e.getMessage());
        // the rows that fit are answered when the others are filtered out first
        assertEquals(List.of(List.of(2L, new BigDecimal("6.0000"))), q("SELECT id, n * i8 * i8 FROM nt WHERE id = 2"));
    }

    /**
     * A sum past the 38 digits of its type is PostgreSQL's exact total there, and the native sum would answer NULL
     * (grouped) or leave a value out (ungrouped): Rhei refuses with its overflow error instead, also for AVG, and
     * answers the groups whose values stay far from the limit.
     */
    @Test
    void aSumBeyondThirtyEightDigitsIsAnErrorNotANullOrAWrongTotal() {
        table("big", ColumnType.decimal(38, 0), new BigDecimal("9" + "0".repeat(37)), new BigDecimal("9" + "0".repeat(37)), new BigDecimal("5"), null,
                new BigDecimal("-7"));
        for (String sql : List.of("SELECT k, sum(v) FROM big GROUP BY k", "SELECT sum(v) FROM big", "SELECT avg(v) FROM big",
                "SELECT k, avg(v) FROM big GROUP BY k", "SELECT sum(v) FROM big WHERE id <> 1 AND id <> 3 OR id = 1")) {
            QueryException e = assertThrows(QueryException.class, () -> q(sql), sql);
            // the guard's "numeric field overflow"; on DataFusion 55.2 the ANSI sum itself may fail first ("sum overflow")
            assertTrue(e.getMessage().contains("numeric field overflow") || e.getMessage().contains("sum overflow"), e.getMessage());
        }
        assertEquals(List.of(List.of(new BigDecimal("-2"))), q("SELECT sum(v) FROM big WHERE k = 2"));
    }

    /**
     * A grouped sum is guarded by its own NULL (the native sum's mark of an overflow) and a count, not by a sum of
     * magnitudes; split into shares, a share's overflow and the merge's are both errors, and sums that fit are exact.
     */
    @Test
    void aGroupedSumThatOverflowsInOneShareOrInTheMergeIsAnError() {
        NativeQueryOptions d = NativeQueryOptions.defaults();
        // slices of 512 rows, so that both shares take some of every group's rows
        try (DataFusionOlapEngine shares = new DataFusionOlapEngine(engine.storage(),
                new NativeQueryOptions(d.memoryLimit(), d.spillDir(), d.batchSize(), 512, 2, 0, d.planCacheSize()))) {
            TableSchema schema = TableSchema.builder(TableId.parse("public.wide")).key("id", ColumnType.INT64).column("k", ColumnType.INT64)
                    .column("v", ColumnType.decimal(38, 0)).build();
            engine.ensureTable(schema, 1);
            int n = 20_000;
            BigDecimal nine = new BigDecimal("9" + "0".repeat(37));
            BigDecimal eight = new BigDecimal("8" + "0".repeat(37));
            List<RowChange> rows = new java.util.ArrayList<>();
            long expected = 0;
            for (long i = 1; i <= n; i++) {
                // group 1 (odd ids): 9e37 in the first row and in the last, whose shares' totals fit but not their merge;
                // group 2 (ids 2, 4 and every tenth): 8e37 twice in the first rows (one share's overflow), small values
                // everywhere (a total in every other share, which alone would hide the first share's NULL); group 3 fits
                long k = i % 2 == 1 ? 1 : i <= 4 || i % 10 == 0 ? 2 : 3;
                BigDecimal v = i == 1 || i == n - 1 ? nine : i == 2 || i == 4 ? eight : BigDecimal.valueOf(i);
                expected += k == 3 ? i : 0;
                rows.add(RowChange.upsert(RowKey.of(i), Row.of(i, k, v), 2));
            }
            engine.apply(new TableChangeBatch(schema, false, rows, 2, 2, rows.size()));
            String grouped = "SELECT k, sum(v) FROM wide GROUP BY k";
            String plan = new io.rhei.olap.sql.SqlPlanner(engine.storage(), 2, 0, 0).plan(grouped, root).plan().toString();
            assertTrue(plan.contains("rhei:shares") && !plan.contains("\"abs\""), plan);
            for (String sql : List.of(grouped, "SELECT k, sum(v) FROM wide WHERE k = 2 GROUP BY k", "SELECT k, avg(v) FROM wide WHERE k = 1 GROUP BY k")) {
                QueryException e = assertThrows(QueryException.class, () -> QueryResults.read(shares.query(sql, root)).rows(), sql);
                assertTrue(e.getMessage().contains("numeric field overflow") || e.getMessage().contains("sum overflow"), e.getMessage());
            }
            assertEquals(List.of(List.of(3L, BigDecimal.valueOf(expected))), QueryResults.read(shares.query("SELECT k, sum(v) FROM wide WHERE k = 3 GROUP BY k", root)).rows());
        }
    }

    /**
     * A grouped aggregation with about as many groups as rows runs as one final phase over its rows
     * ({@code SinglePhaseAggregate}): sums, counts, minimums and maximums over NULLs give what the two phases give.
     */
    @Test
    void anAggregationOfManyGroupsRunsAsOnePhaseWithTheSameAnswers() {
        table("small", ColumnType.decimal(10, 2), new BigDecimal("1.25"), new BigDecimal("-3.50"), new BigDecimal("5"), null, new BigDecimal("-7"));
        String sql = "SELECT k, sum(v), count(v), count(*), min(v), max(v), avg(v) FROM small GROUP BY k";
        String plan = new io.rhei.olap.sql.SqlPlanner(engine.storage()).plan(sql, root).plan().toString();
        assertTrue(!plan.contains("Partial"), plan);
        List<List<Object>> rows = new java.util.ArrayList<>(q(sql));
        rows.sort(java.util.Comparator.comparing(r -> (Long) r.get(0)));
        assertEquals(List.of(
                java.util.Arrays.asList(1L, new BigDecimal("-2.25"), 2L, 2L, new BigDecimal("-3.50"), new BigDecimal("1.25"), new BigDecimal("-1.12500000000000000000")),
                java.util.Arrays.asList(2L, new BigDecimal("-2.00"), 2L, 2L, new BigDecimal("-7.00"), new BigDecimal("5.00"), new BigDecimal("-1.00000000000000000000")),
                java.util.Arrays.asList(3L, null, 0L, 1L, null, null, null)), rows);
    }

    /** Table {@code name}: rows 1.. with the values {@code v} (of {@code type}), in groups k = 1, 1, 2, 3, 2. */
    private void table(String name, ColumnType type, BigDecimal... v) {
        TableSchema schema = TableSchema.builder(TableId.parse("public." + name)).key("id", ColumnType.INT64).column("k", ColumnType.INT64)
                .column("v", type).build();
        engine.ensureTable(schema, 1);
        long[] groups = {1, 1, 2, 3, 2};
        List<RowChange> rows = new java.util.ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            rows.add(RowChange.upsert(RowKey.of((long) i + 1), Row.of((long) i + 1, groups[i], v[i]), 2));
        }
        engine.apply(new TableChangeBatch(schema, false, rows, 2, 2, rows.size()));
    }

    @Test
    void anAggregateEvaluatesItsArgumentOnlyForTheRowsItsFilterKeeps() {
        // -99999999999999.9999 does not fit an integer: PostgreSQL never casts it where the FILTER leaves its row out
        assertEquals(List.of(List.of(2, 0L, 1L)), q("SELECT min(CAST(n AS integer)) FILTER (WHERE n < 10 AND n > 0) AS a, "
                + "count(CAST(n AS integer)) FILTER (WHERE n <> n) AS b, count(*) FILTER (WHERE id = 2) AS c FROM nt"));
        assertEquals(List.of(List.of(2L, 2)), q("SELECT id, min(CAST(n AS integer)) FILTER (WHERE id = 2) FROM nt WHERE id = 2 GROUP BY id"));
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT min(CAST(n AS integer)) FROM nt"),
                "without the FILTER the cast meets the value, and fails as in PostgreSQL");
        assertTrue(e.getMessage().contains("INT") || e.getMessage().contains("range"), e.getMessage());
    }
}
