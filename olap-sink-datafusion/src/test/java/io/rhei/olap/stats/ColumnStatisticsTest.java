package io.rhei.olap.stats;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColumnStatisticsTest {
    private static final TableId T = TableId.parse("public.t");
    private static final TableSchema SCHEMA = TableSchema.builder(T).key("id", ColumnType.INT64).column("g", ColumnType.INT32)
            .column("name", ColumnType.TEXT).column("price", ColumnType.decimal(12, 2)).column("day", ColumnType.DATE).build();

    @Test
    void hyperLogLogCountsWithinTwoPercentFromTenToAMillionValues() {
        for (int n : new int[] {10, 1000, 50_000, 1_000_000}) {
            DistinctCounter c = new DistinctCounter();
            for (int rep = 0; rep < 3; rep++) {
                for (long v = 0; v < n; v++) {
                    c.addHash(DistinctCounter.hashLong(v * 7919));
                }
            }
            assertTrue(Math.abs(c.estimate() - n) <= Math.max(1, 0.02 * n), n + " distinct values estimated as " + c.estimate());
        }
    }

    @Test
    void distinctNullsAndRangesOfEachColumnTypeAndARecountOnceTheTableGrew() {
        try (RootAllocator root = new RootAllocator(); InMemoryStorage storage = new InMemoryStorage(root, StorageConfig.defaults())) {
            TableSchema schema = SCHEMA;
            storage.ensureTable(schema, 1);
            write(storage, schema, 1, 20_000);
            ColumnStatistics stats = new ColumnStatistics(storage);
            ColumnStats g = stats.of(T, "g", root).orElseThrow();
            assertEquals(20_000, g.rows());
            assertEquals(97, g.distinct());
            assertEquals(0, g.nulls());
            assertEquals(0.0, g.min());
            assertEquals(96.0, g.max());
            ColumnStats name = stats.of(T, "name", root).orElseThrow();
            assertTrue(Math.abs(name.distinct() - 4000) <= 80, "about 4000 names (those of ids not divisible by 5): " + name.distinct());
            assertEquals(4000, name.nulls(), "every fifth name is NULL");
            assertTrue(!name.hasRange());
            ColumnStats price = stats.of(T, "price", root).orElseThrow();
            assertEquals(0.01, price.min(), 1e-9);
            assertEquals(200.0, price.max(), 1e-9);
            ColumnStats day = stats.of(T, "day", root).orElseThrow();
            assertEquals(LocalDate.of(2024, 1, 1).toEpochDay(), day.min());
            assertEquals(LocalDate.of(2024, 1, 1).toEpochDay() + 364, day.max());
            assertTrue(stats.of(T, "missing", root).isEmpty());

            write(storage, schema, 20_001, 40_000); // doubled: counted again
            ColumnStats again = stats.of(T, "g", root).orElseThrow();
            assertEquals(40_000, again.rows());
            assertEquals(97, again.distinct());
            // without an allocator, only what is known
            assertEquals(again, stats.of(T, "g", null).orElseThrow());
            assertTrue(stats.of(T, "day", null).isPresent(), "stale statistics are still used when none can be counted");
            assertTrue(new ColumnStatistics(storage).of(T, "g", null).isEmpty());
        }
    }

    @Test
    void aPartReadOfALargeTableScalesAUniqueColumnOnly() {
        try (RootAllocator root = new RootAllocator(); InMemoryStorage storage = new InMemoryStorage(root, StorageConfig.defaults())) {
            TableSchema schema = SCHEMA;
            storage.ensureTable(schema, 1);
            for (int from = 1; from <= 100_000; from += 10_000) {
                write(storage, schema, from, from + 9_999);
            }
            ColumnStatistics partial = new ColumnStatistics(storage, 30_000);
            ColumnStats id = partial.of(T, "id", root).orElseThrow();
            assertTrue(Math.abs(id.distinct() - 100_000) <= 3000, "unique ids scaled to the table: " + id.distinct());
            assertEquals(97, partial.of(T, "g", root).orElseThrow().distinct(), "a repeating column is not scaled");
        }
    }

    private static void write(InMemoryStorage storage, TableSchema schema, long from, long to) {
        List<RowChange> changes = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            Row row = Row.of(i, (int) (i % 97), i % 5 == 0 ? null : "name " + (i % 5000), BigDecimal.valueOf(1 + i % 20_000, 2),
                    LocalDate.of(2024, 1, 1).plusDays(i % 365));
            changes.add(RowChange.upsert(RowKey.of(i), row, i + 1));
        }
        storage.apply(new TableChangeBatch(schema, false, changes, from + 1, to + 1, changes.size()));
    }
}
