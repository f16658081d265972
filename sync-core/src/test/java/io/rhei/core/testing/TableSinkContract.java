package io.rhei.core.testing;

import io.rhei.core.RheiException;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.model.Unchanged;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.core.sink.TableSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link TableSink} must do, whatever it stores: the one contract test each implementation extends (as
 * Trino's connectors share theirs). Rows are read back through {@link #rows}, in key order.
 */
public abstract class TableSinkContract {
    protected static final TableSchema ITEMS = TableSchema.builder(TableId.parse("public.items")).key("id", ColumnType.INT64)
            .column("name", ColumnType.TEXT).column("qty", ColumnType.INT32).build();
    protected TableSink sink;

    /** A new, empty sink. */
    protected abstract TableSink newSink();

    /** The table's rows, ordered by key, as Java values (Long, String, Integer). */
    protected abstract List<List<Object>> rows(TableSink sink, TableId table);

    @BeforeEach
    void openSink() {
        sink = newSink();
    }

    @AfterEach
    void closeSink() {
        sink.close();
        afterClose();
    }

    /** What the implementation releases after its sink is closed (an allocator, which must then be empty). */
    protected void afterClose() {
    }

    private static RowChange upsert(long id, String name, int qty, long seq) {
        return RowChange.upsert(RowKey.of(id), Row.of(id, name, qty), seq);
    }

    @Test
    void ensureTableCreatesItAndMovesTheAppliedSequence() {
        sink.ensureTable(ITEMS, 3);
        assertEquals(java.util.Set.of(ITEMS.table()), sink.tables());
        assertEquals(ITEMS, sink.schema(ITEMS.table()).orElseThrow());
        assertEquals(3, sink.appliedSeq(ITEMS.table()));
        assertEquals(0, sink.appliedSeq(TableId.parse("public.nothing")), "a table that does not exist has applied nothing");
        sink.ensureTable(ITEMS, 2);
        assertTrue(sink.appliedSeq(ITEMS.table()) >= 3, "ensuring again never moves the applied sequence back");
    }

    @Test
    void aBatchAppliesUpsertsAndDeletesAndMovesTheAppliedSequence() {
        sink.ensureTable(ITEMS, 1);
        sink.apply(new TableChangeBatch(ITEMS, false, List.of(upsert(1, "a", 1, 2), upsert(2, null, 2, 3), upsert(3, "c", 3, 4)), 2, 4, 3));
        sink.apply(new TableChangeBatch(ITEMS, false, List.of(upsert(1, "a2", 10, 5), RowChange.delete(RowKey.of(3L), 6)), 5, 6, 2));
        assertEquals(List.of(List.of(1L, "a2", 10), java.util.Arrays.asList(2L, null, 2)), rows(sink, ITEMS.table()));
        assertEquals(6, sink.appliedSeq(ITEMS.table()));
    }

    @Test
    void aBatchAtOrBelowTheAppliedSequenceIsIgnored() {
        sink.ensureTable(ITEMS, 1);
        sink.apply(new TableChangeBatch(ITEMS, false, List.of(upsert(1, "a", 1, 2)), 2, 2, 1));
        sink.apply(new TableChangeBatch(ITEMS, false, List.of(upsert(1, "replayed", 99, 2), upsert(7, "x", 7, 2)), 2, 2, 2));
        assertEquals(List.of(List.of(1L, "a", 1)), rows(sink, ITEMS.table()), "a replay neither loses nor duplicates");
        assertEquals(2, sink.appliedSeq(ITEMS.table()));
    }

    @Test
    void aBatchForATableThatDoesNotExistIsRefused() {
        assertThrows(IllegalStateException.class, () -> sink.apply(new TableChangeBatch(ITEMS, false, List.of(upsert(1, "a", 1, 2)), 2, 2, 1)));
    }

    @Test
    void aChangeThatCannotBeAppliedFailsTheWholeBatchAndChangesNothing() {
        sink.ensureTable(ITEMS, 1);
        sink.apply(new TableChangeBatch(ITEMS, false, List.of(upsert(1, "a", 1, 2)), 2, 2, 1));
        // "keep the stored value" for a row the table does not hold
        RowChange impossible = RowChange.upsert(RowKey.of(5L), Row.of(5L, Unchanged.VALUE, 5), 4);
        RheiException e = assertThrows(RheiException.class, () -> sink.apply(new TableChangeBatch(ITEMS, false,
                List.of(upsert(2, "b", 2, 3), impossible), 3, 4, 2)));
        assertTrue(e.getMessage().contains("public.items"), e.getMessage());
        assertEquals(List.of(List.of(1L, "a", 1)), rows(sink, ITEMS.table()), "nothing of the failed batch applied");
        assertEquals(2, sink.appliedSeq(ITEMS.table()));
    }

    @Test
    void aTruncateFirstBatchReplacesTheTable() {
        sink.ensureTable(ITEMS, 1);
        sink.apply(new TableChangeBatch(ITEMS, false, List.of(upsert(1, "a", 1, 2), upsert(2, "b", 2, 3)), 2, 3, 2));
        sink.apply(new TableChangeBatch(ITEMS, true, List.of(upsert(9, "z", 9, 4)), 4, 4, 1));
        assertEquals(List.of(List.of(9L, "z", 9)), rows(sink, ITEMS.table()));
    }
}
