package io.rhei.core.engine;

import io.rhei.core.RheiException;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.Unchanged;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.model.TableId;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableBatchBuilderTest {
    private static final TableSchema DOCS = TableSchema.builder(TableId.parse("public.docs"))
            .key("id", ColumnType.INT64).column("title", ColumnType.TEXT).column("body", ColumnType.TEXT).build();
    private long seq;

    private ChangeEvent ev(Operation op, long id, Object title, Object body) {
        seq++;
        SourcePosition p = new SourcePosition(seq, seq, 0);
        ChangeEvent e = switch (op) {
            case DELETE -> ChangeEvent.delete(DOCS.table(), 1, RowKey.of(id), null, p, 1, 1);
            case TRUNCATE -> ChangeEvent.truncate(DOCS.table(), 1, p, 1, 1);
            default -> ChangeEvent.upsert(op, DOCS.table(), 1, RowKey.of(id), Row.of(id, title, body), p, 1, 1);
        };
        return e.withSeq(seq);
    }

    private TableChangeBatch build(ChangeEvent... events) {
        TableBatchBuilder b = new TableBatchBuilder(DOCS);
        for (ChangeEvent e : events) {
            b.add(e);
        }
        return b.build();
    }

    private static final TableSchema LINES = TableSchema.builder(TableId.parse("public.lines"))
            .column("sku", ColumnType.TEXT).column("qty", ColumnType.INT32).build();

    private ChangeEvent keyless(Operation op, Row before, Row after) {
        seq++;
        SourcePosition p = new SourcePosition(seq, seq, 0);
        RowKey key = RowKey.wrap((after != null ? after : before).toArray());
        return new ChangeEvent(seq, LINES.table(), op, 1, key, before, after, p, 1, 1);
    }

    @Test
    void keylessTableKeepsEveryRowOperationInOrderAndSplitsUpdates() {
        TableBatchBuilder b = new TableBatchBuilder(LINES);
        b.add(keyless(Operation.INSERT, null, Row.of("a", 1)));
        b.add(keyless(Operation.INSERT, null, Row.of("a", 1))); // an identical second row
        b.add(keyless(Operation.UPDATE, Row.of("a", 1), Row.of("a", 2)));
        b.add(keyless(Operation.DELETE, Row.of("a", 1), null));
        TableChangeBatch batch = b.build();
        assertEquals(List.of(RowChange.Kind.INSERT, RowChange.Kind.INSERT, RowChange.Kind.DELETE, RowChange.Kind.INSERT, RowChange.Kind.DELETE),
                batch.changes().stream().map(RowChange::kind).toList());
        assertEquals(RowKey.of("a", 1), batch.changes().get(2).key());
        assertEquals(Row.of("a", 2), batch.changes().get(3).row());
    }

    @Test
    void keylessUpdateWithoutTheOldRowNamesTheFix() {
        TableBatchBuilder b = new TableBatchBuilder(LINES);
        RheiException e = assertThrows(RheiException.class, () -> b.add(keyless(Operation.UPDATE, null, Row.of("a", 2))));
        assertTrue(e.getMessage().contains("public.lines") && e.getMessage().contains("REPLICA IDENTITY FULL"), e.getMessage());
    }

    @Test
    void lastWriteWinsPerKey() {
        TableChangeBatch batch = build(ev(Operation.INSERT, 1, "a", "x"), ev(Operation.UPDATE, 1, "b", "y"),
                ev(Operation.INSERT, 2, "c", "z"));
        assertEquals(List.of(RowChange.upsert(RowKey.of(1L), Row.of(1L, "b", "y"), 2).row(), Row.of(2L, "c", "z")),
                batch.changes().stream().map(RowChange::row).toList());
        assertEquals(1, batch.firstSeq());
        assertEquals(3, batch.lastSeq());
        assertEquals(3, batch.eventCount());
    }

    @Test
    void deleteThenInsertBecomesTheInsert() {
        TableChangeBatch batch = build(ev(Operation.DELETE, 1, null, null), ev(Operation.INSERT, 1, "new", "n"));
        assertEquals(1, batch.changes().size());
        assertEquals(RowChange.Kind.UPSERT, batch.changes().get(0).kind());
        assertEquals(Row.of(1L, "new", "n"), batch.changes().get(0).row());
    }

    @Test
    void insertThenDeleteIsADelete() {
        TableChangeBatch batch = build(ev(Operation.INSERT, 1, "a", "x"), ev(Operation.DELETE, 1, null, null));
        assertEquals(RowChange.Kind.DELETE, batch.changes().get(0).kind());
    }

    @Test
    void unchangedToastColumnTakesThePendingValue() {
        TableChangeBatch batch = build(ev(Operation.INSERT, 1, "a", "big body"), ev(Operation.UPDATE, 1, "b", Unchanged.VALUE));
        assertEquals(Row.of(1L, "b", "big body"), batch.changes().get(0).row());
    }

    @Test
    void unchangedWithNothingPendingIsLeftForTheSink() {
        TableChangeBatch batch = build(ev(Operation.UPDATE, 1, "b", Unchanged.VALUE));
        assertTrue(batch.changes().get(0).row().isUnchanged(2));
    }

    @Test
    void unchangedAfterAPendingDeleteIsAnError() {
        TableBatchBuilder b = new TableBatchBuilder(DOCS);
        b.add(ev(Operation.DELETE, 1, null, null));
        RheiException e = assertThrows(RheiException.class, () -> b.add(ev(Operation.UPDATE, 1, "b", Unchanged.VALUE)));
        assertTrue(e.getMessage().contains("public.docs") && e.getMessage().contains("deleted"), e.getMessage());
    }

    @Test
    void truncateDropsPendingChangesAndEmptiesFirst() {
        TableChangeBatch batch = build(ev(Operation.INSERT, 1, "a", "x"), ev(Operation.TRUNCATE, 0, null, null),
                ev(Operation.INSERT, 2, "b", "y"));
        assertTrue(batch.truncateFirst());
        assertEquals(1, batch.changes().size());
        assertEquals(RowKey.of(2L), batch.changes().get(0).key());
    }
}
