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

    @Test
    void aResultBeyondThirtyEightDigitsIsAnErrorNotANull() {
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT id, n * i8 * i8 FROM nt ORDER BY id"));
        assertTrue(e.getMessage().contains("numeric field overflow"), e.getMessage());
        // the rows that fit are answered when the others are filtered out first
        assertEquals(List.of(List.of(2L, new BigDecimal("6.0000"))), q("SELECT id, n * i8 * i8 FROM nt WHERE id = 2"));
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
