package io.rhei.storage;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InMemoryStorageTest extends TableStorageContract {
    @Override
    protected TableStorage open(BufferAllocator allocator, StorageConfig config) {
        return new InMemoryStorage(allocator, config);
    }

    @Override
    protected boolean durable() {
        return false;
    }

    @Test
    void aScanSkipsTheFilesNoRowOfWhichCanSatisfyItsFilter() {
        TableId t = TableId.parse("shop.orders");
        TableSchema schema = TableSchema.builder(t).key("id", ColumnType.INT64).column("day", ColumnType.DATE)
                .column("qty", ColumnType.INT32).column("note", ColumnType.TEXT).build();
        storage.ensureTable(schema, 0);
        // two commits, two files: ids 1-100 in January, 101-200 in February; qty only in the second
        for (int file = 0; file < 2; file++) {
            List<RowChange> changes = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                long id = file * 100L + i;
                Row row = Row.of(id, LocalDate.of(2024, 1 + file, 1 + i % 28), file == 0 ? null : i, "n" + id);
                changes.add(RowChange.upsert(RowKey.of(id), row, file * 100L + i));
            }
            storage.apply(new TableChangeBatch(schema, false, changes, file * 100L + 1, file * 100L + 100, changes.size()));
        }
        assertEquals(List.of(1L, 100L), ids(t, new ScanFilter.Compare("id", ScanFilter.Op.LT, 50L)), "the first file, whole");
        assertEquals(List.of(101L, 200L), ids(t, new ScanFilter.Compare("id", ScanFilter.Op.GE, 150L)), "the second file, whole");
        assertEquals(List.of(), ids(t, new ScanFilter.Compare("id", ScanFilter.Op.EQ, 500L)));
        assertEquals(List.of(1L, 200L), ids(t, new ScanFilter.Compare("id", ScanFilter.Op.NE, 7L)));
        assertEquals(List.of(101L, 200L), ids(t, new ScanFilter.Compare("day", ScanFilter.Op.GT, LocalDate.of(2024, 1, 31))));
        assertEquals(List.of(101L, 200L), ids(t, new ScanFilter.Compare("qty", ScanFilter.Op.LE, 5)), "NULLs satisfy no comparison");
        assertEquals(List.of(), ids(t, ScanFilter.and(List.of(new ScanFilter.Compare("id", ScanFilter.Op.GE, 50L),
                new ScanFilter.Compare("day", ScanFilter.Op.GE, LocalDate.of(2024, 3, 1))))));
        assertEquals(List.of(1L, 200L), ids(t, new ScanFilter.Compare("note", ScanFilter.Op.EQ, "n5")), "text: no range kept, every file read");
        assertEquals(List.of(1L, 100L), ids(t, new ScanFilter.IsNull("qty", false)), "only the first file has NULLs");
        assertEquals(List.of(101L, 200L), ids(t, new ScanFilter.IsNull("qty", true)), "only the second has values");
        assertEquals(List.of(1L, 100L), ids(t, new ScanFilter.Or(List.of(new ScanFilter.Compare("id", ScanFilter.Op.GT, 500L),
                new ScanFilter.IsNull("qty", false)))), "either term");
        assertEquals(List.of(), ids(t, new ScanFilter.Or(List.of(new ScanFilter.Compare("id", ScanFilter.Op.GT, 500L),
                new ScanFilter.IsNull("id", false)))), "neither term");
    }

    /** The smallest and largest id a filtered scan returns, and how many rows: [] when none. */
    private List<Long> ids(TableId t, ScanFilter filter) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int rows = 0;
        try (TableSnapshot snap = storage.snapshot(t); BatchStream scan = snap.scan(List.of("id"), filter, root)) {
            for (Iterator<VectorSchemaRoot> it = scan; it.hasNext(); ) {
                try (VectorSchemaRoot b = it.next()) {
                    BigIntVector v = (BigIntVector) b.getVector(0);
                    for (int r = 0; r < b.getRowCount(); r++) {
                        min = Math.min(min, v.get(r));
                        max = Math.max(max, v.get(r));
                        rows++;
                    }
                }
            }
        }
        assertEquals(rows == 0 ? 0 : (int) (max - min + 1), rows, "whole files are returned");
        return rows == 0 ? List.of() : List.of(min, max);
    }
}
