package io.rhei.core.sink;

import io.rhei.core.schema.TableSchema;

import java.util.List;
import java.util.Objects;

/**
 * The coalesced changes of one table over log sequences {@code firstSeq..lastSeq}: at most one
 * {@link RowChange} per key, rows in the column order of {@code schema}. When {@code truncateFirst}, the table
 * is emptied before the changes apply. {@code eventCount} is how many log events the batch stands for.
 * A batch with no changes and no truncate only moves the table's applied sequence.
 */
public record TableChangeBatch(TableSchema schema, boolean truncateFirst, List<RowChange> changes,
                               long firstSeq, long lastSeq, int eventCount) {
    public TableChangeBatch {
        Objects.requireNonNull(schema, "schema");
        changes = List.copyOf(changes);
        if (lastSeq < firstSeq || firstSeq < 1) {
            throw new IllegalArgumentException("batch of " + schema.table() + " has bad sequence range " + firstSeq + ".." + lastSeq);
        }
    }

    /** A batch that only records that the table has seen everything up to {@code seq} (nothing changed). */
    public static TableChangeBatch checkpoint(TableSchema schema, long seq) {
        return new TableChangeBatch(schema, false, List.of(), seq, seq, 0);
    }

    public boolean isEmpty() {
        return changes.isEmpty() && !truncateFirst;
    }
}
