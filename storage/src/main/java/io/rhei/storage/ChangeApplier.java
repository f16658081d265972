package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.Unchanged;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.SchemaEvolution;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applying changes: one table's coalesced batch becomes a new data file of the new row versions and deletion-vector
 * entries for the versions they replace, published as one commit with the applied sequence; the key index follows
 * once the commit is published. Runs under the table's write lock.
 */
final class ChangeApplier {
    private final MergeOnReadTable table;

    ChangeApplier(MergeOnReadTable table) {
        this.table = table;
    }

    void applyLocked(TableChangeBatch batch) {
        MergeOnReadTable.State s = table.state;
        if (batch.lastSeq() <= s.appliedSeq()) {
            return;
        }
        TableSchema schema = s.schema();
        if (batch.schema().version() != schema.version()) {
            throw new RheiException("batch of " + schema.table() + " is in schema version " + batch.schema().version()
                    + " but the table is at version " + schema.version());
        }
        if (batch.isEmpty()) {
            table.commitAndPublish(schema, batch.lastSeq(), s.segments());
            return;
        }
        if (!schema.hasPrimaryKey()) {
            applyKeylessLocked(batch, s);
            return;
        }
        boolean truncate = batch.truncateFirst();
        List<Segment> base = truncate ? List.of() : s.segments();
        Map<Long, RoaringBitmap> newDeletes = new HashMap<>();
        Map<RowKey, Long> indexChanges = new HashMap<>();
        List<Row> appended = new ArrayList<>();
        List<RowKey> appendedKeys = new ArrayList<>();
        List<RowChange> changes = batch.changes();
        long[] located = truncate ? new long[changes.size()] : table.index.locate(changes.stream().map(RowChange::key).toList());
        for (int i = 0; i < changes.size(); i++) {
            RowChange c = changes.get(i);
            Long loc = located[i] == 0 ? null : located[i];
            if (loc != null) {
                newDeletes.computeIfAbsent(loc >>> 32, f -> new RoaringBitmap()).add((int) (long) loc);
            }
            if (c.kind() == RowChange.Kind.DELETE) {
                indexChanges.put(c.key(), null);
                continue;
            }
            Row row = c.row();
            if (row.hasUnchanged()) {
                row = fillUnchanged(schema, c, row, loc, base);
            }
            appendedKeys.add(c.key());
            appended.add(row);
        }
        DataFile file = appended.isEmpty() ? null : RowFileWriter.toArrow(schema, appended, batch, table.allocator, root -> table.files.write(table.takeFileId(), schema, root));
        List<DataFile> dropped = publishCommit(s, batch, base, newDeletes, file);
        // Published: the index follows (nothing below can fail).
        if (file != null) {
            for (int row = 0; row < appendedKeys.size(); row++) {
                indexChanges.put(appendedKeys.get(row), MergeOnReadTable.location(file.id(), row));
            }
        }
        indexChanges.forEach((k, v) -> {
            if (v == null) {
                table.index.remove(k);
            } else {
                table.index.put(k, v);
            }
        });
        MergeOnReadTable.drop(dropped);
    }

    /**
     * A keyless table's batch: row operations in order. An insert adds a copy of the row; a delete removes one
     * copy: one inserted earlier in the same batch if there is one, else a stored one found by the whole-row index.
     */
    private void applyKeylessLocked(TableChangeBatch batch, MergeOnReadTable.State s) {
        TableSchema schema = s.schema();
        boolean truncate = batch.truncateFirst();
        List<Segment> base = truncate ? List.of() : s.segments();
        List<Row> appended = new ArrayList<>();
        List<RowKey> appendedKeys = new ArrayList<>();
        Map<RowKey, java.util.ArrayDeque<Integer>> appendedByKey = new HashMap<>();
        Map<Long, RoaringBitmap> newDeletes = new HashMap<>();
        java.util.Set<Long> deleted = new java.util.HashSet<>();
        List<long[]> removedFromIndex = new ArrayList<>(); // {table.index into removedKeys, location}
        List<RowKey> removedKeys = new ArrayList<>();
        for (RowChange c : batch.changes()) {
            if (c.kind() == RowChange.Kind.INSERT || c.kind() == RowChange.Kind.UPSERT) {
                appendedByKey.computeIfAbsent(c.key(), k -> new java.util.ArrayDeque<>()).push(appended.size());
                appended.add(c.row());
                appendedKeys.add(c.key());
                continue;
            }
            java.util.ArrayDeque<Integer> pending = appendedByKey.get(c.key());
            if (pending != null && !pending.isEmpty()) {
                appended.set(pending.pop(), null); // inserted and deleted within this batch
                continue;
            }
            long loc = truncate ? 0 : table.index.anyLocation(c.key(), deleted::contains);
            if (loc == 0) {
                throw new RheiException("table " + schema.table() + " (no primary key): the delete at sequence " + c.seq() + " is of a row the "
                        + "table does not hold: " + c.key() + ". The copy has diverged from PostgreSQL; resync the table");
            }
            deleted.add(loc);
            newDeletes.computeIfAbsent(loc >>> 32, f -> new RoaringBitmap()).add((int) loc);
            removedKeys.add(c.key());
            removedFromIndex.add(new long[] {removedKeys.size() - 1, loc});
        }
        List<Row> rows = new ArrayList<>();
        List<RowKey> rowKeys = new ArrayList<>();
        for (int i = 0; i < appended.size(); i++) {
            if (appended.get(i) != null) {
                rows.add(appended.get(i));
                rowKeys.add(appendedKeys.get(i));
            }
        }
        DataFile file = rows.isEmpty() ? null : RowFileWriter.toArrow(schema, rows, batch, table.allocator, root -> table.files.write(table.takeFileId(), schema, root));
        List<DataFile> dropped = publishCommit(s, batch, base, newDeletes, file);
        for (long[] r : removedFromIndex) {
            table.index.removeLocation(removedKeys.get((int) r[0]), r[1]);
        }
        if (file != null) {
            for (int row = 0; row < rowKeys.size(); row++) {
                table.index.add(rowKeys.get(row), MergeOnReadTable.location(file.id(), row));
            }
        }
        MergeOnReadTable.drop(dropped);
    }

    /**
     * Publishes the table as {@code base} with this commit's deletions and its new file ({@code base} is empty
     * after a truncate), clearing the index after a truncate; returns the files to drop once the index follows.
     * If the commit fails, nothing changed.
     */
    private List<DataFile> publishCommit(MergeOnReadTable.State s, TableChangeBatch batch, List<Segment> base, Map<Long, RoaringBitmap> newDeletes,
                                         DataFile file) {
        List<DataFile> dropped = new ArrayList<>();
        List<Segment> next = withNewDeletes(base, newDeletes, dropped);
        if (file != null) {
            next.add(new Segment(file));
        }
        if (batch.truncateFirst()) {
            s.segments().forEach(seg -> dropped.add(seg.file()));
        }
        table.commitOrDiscard(s.schema(), batch.lastSeq(), next, file);
        if (batch.truncateFirst()) {
            table.index.clear();
        }
        return dropped;
    }

    /** The segments with this commit's deletions merged into their deletion vectors; files now wholly deleted go to {@code dropped}. */
    private static List<Segment> withNewDeletes(List<Segment> base, Map<Long, RoaringBitmap> newDeletes, List<DataFile> dropped) {
        List<Segment> next = new ArrayList<>(base.size() + 1);
        for (Segment seg : base) {
            RoaringBitmap add = newDeletes.get(seg.file().id());
            if (add == null) {
                next.add(seg);
                continue;
            }
            RoaringBitmap merged = RoaringBitmap.or(seg.deleted(), add);
            if (merged.getCardinality() == seg.file().rowCount()) {
                dropped.add(seg.file());
            } else {
                next.add(new Segment(seg.file(), merged, null));
            }
        }
        return next;
    }

    private Row fillUnchanged(TableSchema schema, RowChange c, Row row, Long loc, List<Segment> base) {
        if (loc == null) {
            throw new RheiException("update of " + schema.table() + " key " + c.key() + " (sequence " + c.seq()
                    + ") leaves TOASTed columns unchanged, but the table holds no row with that key to take them from");
        }
        DataFile f = fileById(base, loc >>> 32);
        int r = (int) (long) loc;
        Object[] values = row.toArray();
        for (int i = 0; i < values.length; i++) {
            if (values[i] == Unchanged.VALUE) {
                Column col = schema.column(i);
                int pos = f.schema().position(col.name()).orElse(-1);
                Object old = pos < 0 ? null : f.value(r, pos, table.allocator);
                values[i] = pos < 0 ? null : SchemaEvolution.widen(old, f.schema().column(pos).type(), col.type());
            }
        }
        return Row.wrap(values);
    }

    private static DataFile fileById(List<Segment> segments, long id) {
        for (Segment s : segments) {
            if (s.file().id() == id) {
                return s.file();
            }
        }
        throw new IllegalStateException("index points at data file " + id + ", which the table no longer has");
    }
}
