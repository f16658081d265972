package io.rhei.olap;

import io.rhei.core.model.TableId;
import io.rhei.core.query.QueryDescription;
import io.rhei.core.schema.ColumnType;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter markers ($n and ?), their inferred and declared types, and values bound as Java values or text. */
class ParameterizedQueryTest {
    private static final TableId T = TableId.parse("public.t");
    private RootAllocator root;
    private DataFusionOlapEngine engine;

    @BeforeEach
    void open() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        io.rhei.testing.AllTypesTable.load(engine);
    }

    @AfterEach
    void close() {
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    private List<List<Object>> q(String sql, Object... values) {
        return QueryResults.read(engine.query(sql, List.of(), Arrays.asList(values), root)).rows();
    }

    private List<Object> ids(String sql, Object... values) {
        return q(sql, values).stream().map(r -> r.get(0)).toList();
    }

    @Test
    void typesAreInferredFromWhereTheMarkerStands() {
        QueryDescription d = engine.describe("SELECT id, txt FROM t WHERE i4 > $1 AND txt LIKE $2 AND dt < $3 AND tz >= $4 AND d = $5 "
                + "AND flag = $6 AND c = $7 AND f8 < $8 AND b = $9 AND ts > $10 AND i2 = $11 AND id = $12", List.of());
        assertEquals(List.of(ColumnType.INT32, ColumnType.TEXT, ColumnType.DATE, ColumnType.TIMESTAMPTZ, ColumnType.decimal(12, 2),
                ColumnType.BOOLEAN, ColumnType.bpchar(0), ColumnType.FLOAT64, ColumnType.BYTES, ColumnType.TIMESTAMP, ColumnType.INT16,
                ColumnType.INT64), d.parameterTypes());
        assertEquals(List.of("id", "txt"), d.resultSchema().getFields().stream().map(f -> f.getName()).toList());
    }

    @Test
    void declaredTypesWinAndAnUntypedMarkerIsText() {
        QueryDescription d = engine.describe("SELECT $1, $2 FROM t", Arrays.asList(null, ColumnType.INT64));
        assertEquals(List.of(ColumnType.TEXT, ColumnType.INT64), d.parameterTypes());
        List<List<Object>> rows = QueryResults.read(engine.query("SELECT $1, $2 + 0 FROM t WHERE id = 1", Arrays.asList(null, ColumnType.INT64),
                List.of("x", 5), root)).rows();
        assertEquals(List.of(List.of("x", 5L)), rows, "$2 declared bigint: its sum is bigint");
    }

    @Test
    void everyTypeBindsFromItsJavaValueAndFromText() {
        assertEquals(List.of(3L), ids("SELECT id FROM t WHERE i2 = $1", (short) 3));
        assertEquals(List.of(3L), ids("SELECT id FROM t WHERE i2 = $1", "3"));
        assertEquals(List.of(19L, 20L), ids("SELECT id FROM t WHERE i4 > $1 ORDER BY id", 180));
        assertEquals(List.of(19L, 20L), ids("SELECT id FROM t WHERE i4 > $1 ORDER BY id", " 180 "));
        assertEquals(List.of(7L), ids("SELECT id FROM t WHERE id = $1", 7L));
        assertEquals(List.of(1L), ids("SELECT id FROM t WHERE f4 = $1", 0.5f));
        assertEquals(List.of(1L), ids("SELECT id FROM t WHERE f8 = $1", "0.25"));
        assertEquals(List.of(2L), ids("SELECT id FROM t WHERE d = $1", new BigDecimal("2.50")));
        assertEquals(List.of(), ids("SELECT id FROM t WHERE d = $1", new BigDecimal("2.505")), "not rounded to the column's scale");
        assertEquals(List.of(2L), ids("SELECT id FROM t WHERE d = $1", "2.5"));
        assertEquals(List.of(4L), ids("SELECT id FROM t WHERE txt = $1", "name 4"));
        assertEquals(List.of(4L), ids("SELECT id FROM t WHERE txt = $1 OR txt = $1 || 'x'", "name 4"), "a marker used twice");
        assertEquals(List.of(3L, 6L), ids("SELECT id FROM t WHERE c = $1 AND id < 9 ORDER BY id", "c0"), "bpchar: trailing blanks insignificant");
        assertEquals(List.of(5L), ids("SELECT id FROM t WHERE b = $1", (Object) new byte[]{5, 7}));
        assertEquals(List.of(5L), ids("SELECT id FROM t WHERE b = $1", "\\x0507"));
        assertEquals(List.of(1L, 2L), ids("SELECT id FROM t WHERE dt < $1 ORDER BY id", LocalDate.of(2024, 1, 3)));
        assertEquals(List.of(1L, 2L), ids("SELECT id FROM t WHERE dt < $1 ORDER BY id", "2024-01-03"));
        assertEquals(List.of(2L), ids("SELECT id FROM t WHERE ts = $1", LocalDateTime.of(2024, 1, 1, 2, 0, 0, 123_456_000)), "microseconds kept");
        assertEquals(List.of(2L), ids("SELECT id FROM t WHERE ts = $1", "2024-01-01 02:00:00.123456"));
        assertEquals(List.of(3L), ids("SELECT id FROM t WHERE tz = $1", Instant.parse("2024-01-01T03:00:00Z")));
        assertEquals(List.of(3L), ids("SELECT id FROM t WHERE tz = $1", "2024-01-01 05:00:00+02"));
        assertEquals(List.of(2L, 4L), ids("SELECT id FROM t WHERE flag = $1 AND id < 5 ORDER BY id", true));
        assertEquals(List.of(2L, 4L), ids("SELECT id FROM t WHERE flag = $1 AND id < 5 ORDER BY id", "t"));
    }

    @Test
    void timestampLiteralsKeepMicroseconds() {
        assertEquals(List.of(2L), ids("SELECT id FROM t WHERE ts = TIMESTAMP '2024-01-01 02:00:00.123456'"));
    }

    @Test
    void valuesTypeTheirExpressionAsLiteralsWouldAndNullsAreTyped() {
        assertEquals(List.of(List.of(new BigDecimal("13.755"))), q("SELECT d + $1 FROM t WHERE id = 1", new BigDecimal("12.505")));
        assertEquals(List.of(List.of(20L)), q("SELECT count(*) FROM t WHERE i4 > $1 OR $1 IS NULL", (Object) null));
        assertEquals(List.of(List.of(10L)), q("SELECT count(*) FROM t WHERE i4 > $1 OR $1 IS NULL", 100));
        assertEquals(List.of(List.of(20L)), q("SELECT count(*) FROM t WHERE $1::int IS NULL", (Object) null));
    }

    @Test
    void jdbcQuestionMarksAndLimitOffset() {
        assertEquals(List.of(4L, 5L), ids("SELECT id FROM t WHERE id > ? AND id < ? ORDER BY id", 3L, 6L));
        assertEquals(List.of(3L, 4L), ids("SELECT id FROM t ORDER BY id LIMIT $1 OFFSET $2", 2, 2));
        assertEquals(List.of(1L), ids("SELECT id FROM t WHERE txt = '$1 stays text' OR id = $1", 1L));
    }

    @Test
    void badValuesAndCountsSayWhichParameter() {
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT id FROM t WHERE i4 = $1", "abc"));
        assertTrue(e.getMessage().startsWith("invalid input syntax for type integer: \"abc\" (parameter $1)"), e.getMessage());
        e = assertThrows(QueryException.class, () -> q("SELECT id FROM t WHERE i2 = $1", 70000));
        assertTrue(e.getMessage().startsWith("value \"70000\" is out of range for type smallint (parameter $1)"), e.getMessage());
        e = assertThrows(QueryException.class, () -> q("SELECT id FROM t WHERE id = $1 AND i4 = $2", 1L));
        assertTrue(e.getMessage().startsWith("the query has 2 parameter(s) but 1 value(s) were bound"), e.getMessage());
        e = assertThrows(QueryException.class, () -> q("SELECT id FROM t WHERE id = $1 AND i4 = ?", 1L, 2));
        assertTrue(e.getMessage().contains("both $n and ?"), e.getMessage());
    }

    @Test
    void aRepeatedExecutionWithOtherValuesGetsItsOwnAnswer() {
        for (long i = 1; i <= 20; i++) {
            assertEquals(List.of(List.of(i * 10)), q("SELECT i4 FROM t WHERE id = $1", i).stream().map(r -> List.of((Object) ((Integer) r.get(0)).longValue())).toList());
        }
    }
}
