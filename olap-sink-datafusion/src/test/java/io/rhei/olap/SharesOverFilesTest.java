package io.rhei.olap;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.StorageConfig;
import io.rhei.storage.TableStorage;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A stage in shares over a table of several Vortex files deals whole files to the shares, each decoding its own on
 * its own thread: every live row is read once (none twice, none missed, deletions in every file honoured), and the
 * answers equal one plan's on one thread.
 */
class SharesOverFilesTest {
    private static final TableId T = TableId.parse("public.sales");
    private static final TableSchema SCHEMA = TableSchema.builder(T).key("id", ColumnType.INT64).column("region", ColumnType.INT32)
            .column("amount", ColumnType.decimal(12, 2)).build();

    @TempDir
    Path dir;

    @Test
    void filesDealtToSharesAreEachReadOnceAndAnswerAsOnePlan() throws Exception {
        try (RootAllocator root = new RootAllocator()) {
            TableStorage storage = StorageConfig.defaults().withUri(dir.toString()).open(root);
            try (DataFusionOlapEngine parallel = new DataFusionOlapEngine(storage,
                    NativeQueryOptions.defaults().withParallelism(3).withParallelMinRows(0))) {
                parallel.ensureTable(SCHEMA, 1);
                long seq = 2;
                for (int file = 0; file < 7; file++) { // seven commits: seven files (compaction starts above 16)
                    List<RowChange> rows = new ArrayList<>();
                    for (long i = file * 1000L; i < file * 1000L + 1000; i++) {
                        rows.add(RowChange.upsert(RowKey.of(i), Row.of(i, (int) (i % 7), BigDecimal.valueOf(i % 1000, 2)), seq));
                    }
                    parallel.apply(new TableChangeBatch(SCHEMA, false, rows, seq, seq, rows.size()));
                    seq++;
                }
                List<RowChange> deletes = new ArrayList<>();
                for (long i = 0; i < 7000; i += 13) { // a deletion in every file
                    deletes.add(RowChange.delete(RowKey.of(i), seq));
                }
                parallel.apply(new TableChangeBatch(SCHEMA, false, deletes, seq, seq, deletes.size()));
                long live = 7000 - deletes.size();
                try (DataFusionOlapEngine onePlan = new DataFusionOlapEngine(storage, NativeQueryOptions.defaults().withParallelism(1))) {
                    for (String sql : List.of(
                            "SELECT count(*), count(id), sum(id), sum(amount) FROM sales",
                            "SELECT region, count(*), sum(amount), min(id), max(id) FROM sales GROUP BY region ORDER BY region",
                            "SELECT id, amount FROM sales ORDER BY amount DESC, id LIMIT 5")) {
                        assertEquals(QueryResults.read(onePlan.execute(sql, root)).rows(), QueryResults.read(parallel.execute(sql, root)).rows(), sql);
                    }
                    List<Object> totals = QueryResults.read(parallel.execute("SELECT count(id), sum(id) FROM sales", root)).rows().get(0);
                    long sum = 0;
                    for (long i = 0; i < 7000; i++) {
                        sum += i % 13 == 0 ? 0 : i;
                    }
                    assertEquals(List.of(live, BigDecimal.valueOf(sum)),
                            List.of(((Number) totals.get(0)).longValue(), new BigDecimal(totals.get(1).toString())));
                }
            }
            assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        }
    }
}
