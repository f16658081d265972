package io.rhei.olap;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.olap.exec.NativeResultReader;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Queries on Vortex tables push their simple WHERE terms into the file scan (fewer rows leave the scan) and answer as in memory. */
class VortexScanPushdownTest {
    private static final TableId T = TableId.parse("public.orders");
    private static final TableSchema SCHEMA = TableSchema.builder(T).key("id", ColumnType.INT64).column("status", ColumnType.TEXT)
            .column("total", ColumnType.decimal(12, 2)).column("placed", ColumnType.DATE).build();

    @TempDir
    Path dir;

    private static void load(DataFusionOlapEngine engine) {
        engine.ensureTable(SCHEMA, 1);
        List<RowChange> changes = new ArrayList<>();
        for (long i = 1; i <= 5000; i++) {
            changes.add(RowChange.upsert(RowKey.of(i), Row.of(i, i % 4 == 0 ? "open" : "paid", BigDecimal.valueOf(i, 2),
                    LocalDate.of(2026, 1, 1).plusDays(i % 300)), i + 1));
        }
        engine.apply(new TableChangeBatch(SCHEMA, false, changes, 2, 5001, 5000));
        List<RowChange> deletes = new ArrayList<>();
        for (long i = 4901; i <= 4950; i++) {
            deletes.add(RowChange.delete(RowKey.of(i), 5002));
        }
        engine.apply(new TableChangeBatch(SCHEMA, false, deletes, 5002, 5002, 50));
    }

    @Test
    void filterTermsReachTheVortexScanAndAnswersMatchMemory() throws Exception {
        String sql = "SELECT count(*) AS n, sum(total) AS s FROM orders WHERE id > 4800 AND status = 'open' AND placed >= DATE '2026-02-01' "
                + "AND total <> 48.04";
        try (RootAllocator root = new RootAllocator()) {
            List<List<Object>> expected;
            try (DataFusionOlapEngine memory = new DataFusionOlapEngine(StorageConfig.defaults().open(root), NativeQueryOptions.defaults())) {
                load(memory);
                expected = QueryResults.read(memory.execute(sql, root)).rows();
            }
            try (DataFusionOlapEngine vortex = new DataFusionOlapEngine(StorageConfig.defaults().withUri(dir.toString()).open(root),
                    NativeQueryOptions.defaults())) {
                load(vortex);
                NativeResultReader r = vortex.execute(sql, root);
                List<List<Object>> got = QueryResults.read(r).rows();
                assertEquals(expected, got);
                assertTrue(((Number) got.get(0).get(0)).longValue() > 0, "the query selects rows: " + got);
                long scanned = r.metrics().max("output_rows");
                assertTrue(scanned <= 200, "at most the 200 rows with id > 4800 leave the scan, not all 4,950: " + scanned + "\n" + r.metrics().render());
            }
            assertEquals(0, root.getAllocatedMemory());
        }
    }
}
