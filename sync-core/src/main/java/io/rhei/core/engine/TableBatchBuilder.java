package io.rhei.core.engine;

import io.rhei.core.RheiException;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coalesces one table's events into a {@link TableChangeBatch}: one change per primary key, last write wins.
 * <ul>
 *   <li>insert/update/snapshot read after anything: the new row, with unchanged (TOAST) columns filled from a
 *       pending upsert of the same key; with nothing pending they stay unchanged for the sink to fill;</li>
 *   <li>delete after anything: a delete (delete then insert therefore ends as the insert);</li>
 *   <li>truncate: drops everything pending and makes the batch start by emptying the table.</li>
 * </ul>
 * A table without a primary key keeps its row operations in order instead ({@link RowChange.Kind#INSERT} and
 * whole-row deletes; an update is both), since identical rows may exist and there is no key to coalesce on.
 */
final class TableBatchBuilder {
    private final TableSchema schema;
    private final Map<RowKey, RowChange> changes = new LinkedHashMap<>();
    private final List<RowChange> keylessChanges = new ArrayList<>();
    private boolean truncateFirst;
    private long firstSeq;
    private long lastSeq;
    private int eventCount;
    private long lastCommitMicros;

    TableBatchBuilder(TableSchema schema) {
        this.schema = schema;
    }

    long lastCommitMicros() {
        return lastCommitMicros;
    }

    void add(ChangeEvent e) {
        if (eventCount == 0) {
            firstSeq = e.seq();
        }
        lastSeq = e.seq();
        lastCommitMicros = e.commitTimeMicros();
        eventCount++;
        if (!schema.hasPrimaryKey()) {
            addKeyless(e);
            return;
        }
        switch (e.op()) {
            case TRUNCATE -> {
                changes.clear();
                truncateFirst = true;
            }
            case DELETE -> changes.put(e.key(), RowChange.delete(e.key(), e.seq()));
            case INSERT, UPDATE, SNAPSHOT_READ -> changes.put(e.key(), RowChange.upsert(e.key(), resolveUnchanged(e), e.seq()));
        }
    }

    private void addKeyless(ChangeEvent e) {
        switch (e.op()) {
            case TRUNCATE -> {
                keylessChanges.clear();
                truncateFirst = true;
            }
            case INSERT, SNAPSHOT_READ -> keylessChanges.add(RowChange.insert(e.after(), e.seq()));
            case UPDATE -> {
                Row before = requireBefore(e);
                keylessChanges.add(RowChange.delete(RowKey.wrap(before.toArray()), e.seq()));
                keylessChanges.add(RowChange.insert(e.after().hasUnchanged() ? e.after().fillUnchangedFrom(before) : e.after(), e.seq()));
            }
            case DELETE -> keylessChanges.add(RowChange.delete(RowKey.wrap(requireBefore(e).toArray()), e.seq()));
        }
    }

    private static Row requireBefore(ChangeEvent e) {
        if (e.before() == null) {
            throw new RheiException("table " + e.table() + " has no primary key and its " + e.op().name().toLowerCase()
                    + " (event #" + e.seq() + ") does not carry the old row, so it cannot be matched: run ALTER TABLE " + e.table()
                    + " REPLICA IDENTITY FULL (or add a primary key), then resync the table");
        }
        return e.before();
    }

    private Row resolveUnchanged(ChangeEvent e) {
        Row row = e.after();
        if (!row.hasUnchanged()) {
            return row;
        }
        RowChange pending = changes.get(e.key());
        if (pending != null && pending.kind() == RowChange.Kind.UPSERT) {
            return row.fillUnchangedFrom(pending.row());
        }
        if (pending != null || truncateFirst) {
            // The row was deleted or truncated earlier in this batch, so there is no stored value to keep.
            throw new RheiException("event #" + e.seq() + " on " + e.table() + " key " + e.key()
                    + " marks columns unchanged but the row was " + (pending != null ? "deleted" : "truncated")
                    + " before it in the log: the previous value is unknown");
        }
        return row;
    }

    TableChangeBatch build() {
        return new TableChangeBatch(schema, truncateFirst, schema.hasPrimaryKey() ? new ArrayList<>(changes.values()) : new ArrayList<>(keylessChanges),
                firstSeq, lastSeq, eventCount);
    }
}
