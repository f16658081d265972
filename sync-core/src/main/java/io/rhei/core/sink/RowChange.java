package io.rhei.core.sink;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;

import java.util.Objects;

/**
 * The net effect of a batch on one primary key: the row's new state ({@link Kind#UPSERT}) or its removal.
 * An upsert's row may hold {@link io.rhei.core.model.Unchanged#VALUE} in columns whose value is the one the
 * sink already stores. {@code seq} is the sequence of the last event that produced it.
 */
public record RowChange(Kind kind, RowKey key, Row row, long seq) {
    public enum Kind { UPSERT, DELETE }

    public RowChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        if (kind == Kind.UPSERT && row == null) {
            throw new IllegalArgumentException("upsert of key " + key + " has no row");
        }
        if (kind == Kind.DELETE && row != null) {
            throw new IllegalArgumentException("delete of key " + key + " carries a row");
        }
    }

    public static RowChange upsert(RowKey key, Row row, long seq) {
        return new RowChange(Kind.UPSERT, key, row, seq);
    }

    public static RowChange delete(RowKey key, long seq) {
        return new RowChange(Kind.DELETE, key, null, seq);
    }
}
