package io.rhei.core.sink;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;

import java.util.Objects;

/**
 * The net effect of a batch on one primary key: the row's new state ({@link Kind#UPSERT}) or its removal.
 * An upsert's row may hold {@link io.rhei.core.model.Unchanged#VALUE} in columns whose value is the one the
 * sink already stores. {@code seq} is the sequence of the last event that produced it.
 *
 * <p><b>Tables without a primary key</b> (REPLICA IDENTITY FULL) have no key to coalesce on and may hold identical
 * rows: their batches are the row operations in log order, {@link Kind#INSERT} (one more copy of the row) and
 * {@link Kind#DELETE} (one copy fewer), with the whole row as the key. An update is a delete of the old row and an
 * insert of the new one.
 */
public record RowChange(Kind kind, RowKey key, Row row, long seq) {
    public enum Kind { UPSERT, DELETE, INSERT }

    public RowChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        if ((kind == Kind.UPSERT || kind == Kind.INSERT) && row == null) {
            throw new IllegalArgumentException("upsert of key " + key + " has no row");
        }
        if (kind == Kind.DELETE && row != null) {
            throw new IllegalArgumentException("delete of key " + key + " carries a row");
        }
    }

    public static RowChange upsert(RowKey key, Row row, long seq) {
        return new RowChange(Kind.UPSERT, key, row, seq);
    }

    /** Keyless tables: one more copy of {@code row}. */
    public static RowChange insert(Row row, long seq) {
        return new RowChange(Kind.INSERT, RowKey.wrap(row.toArray()), row, seq);
    }

    public static RowChange delete(RowKey key, long seq) {
        return new RowChange(Kind.DELETE, key, null, seq);
    }
}
