package io.rhei.olap.sql;

import io.rhei.olap.physical.LoweredPlan;

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

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class PlanCacheTest {
    private static final TableId T = TableId.parse("public.t");
    private static final String SQL = "SELECT g, count(*) FROM t GROUP BY g";

    @Test
    void aPlanIsReusedUntilTheSchemaChangesOrTheRowCountMovesByATenth() {
        try (RootAllocator root = new RootAllocator(); InMemoryStorage storage = new InMemoryStorage(root, StorageConfig.defaults())) {
            TableSchema v1 = TableSchema.builder(T).key("id", ColumnType.INT64).column("g", ColumnType.INT32).build();
            storage.ensureTable(v1, 1);
            write(storage, v1, 1, 10_000);
            SqlPlanner planner = new SqlPlanner(storage, 1, Long.MAX_VALUE, 8);
            LoweredPlan first = planner.plan(SQL, root);
            assertSame(first, planner.plan(SQL, root), "the same text, the same tables: reused");
            assertNotSame(first, planner.plan(SQL + " ", root), "another text is another query");

            write(storage, v1, 10_001, 10_900); // 9% more rows: the estimates still hold
            assertSame(first, planner.plan(SQL, root));
            write(storage, v1, 10_901, 12_000); // 20% more
            LoweredPlan grown = planner.plan(SQL, root);
            assertNotSame(first, grown);
            assertSame(grown, planner.plan(SQL, root));

            TableSchema v2 = TableSchema.builder(T).key("id", ColumnType.INT64).column("g", ColumnType.INT32).column("note", ColumnType.TEXT)
                    .version(2).build();
            storage.ensureTable(v2, 20_000);
            LoweredPlan evolved = planner.plan(SQL, root);
            assertNotSame(grown, evolved, "a schema change plans again");
            assertSame(evolved, planner.plan(SQL, root));

            SqlPlanner uncached = new SqlPlanner(storage, 1, Long.MAX_VALUE, 0);
            assertNotSame(uncached.plan(SQL, root), uncached.plan(SQL, root), "plan-cache-size 0 keeps nothing");
        }
    }

    private static void write(InMemoryStorage storage, TableSchema schema, long from, long to) {
        List<RowChange> changes = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            Row row = schema.columnCount() == 2 ? Row.of(i, (int) (i % 7)) : Row.of(i, (int) (i % 7), null);
            changes.add(RowChange.upsert(RowKey.of(i), row, i + 1));
        }
        storage.apply(new TableChangeBatch(schema, false, changes, from + 1, to + 1, changes.size()));
    }
}
