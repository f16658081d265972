package io.rhei.core.model;

import java.util.Objects;

/**
 * One committed row change.
 *
 * <ul>
 *   <li>{@code key}: primary-key values (null only for {@link Operation#TRUNCATE});</li>
 *   <li>{@code before}: the old image when the source sent one (REPLICA IDENTITY FULL), else null;</li>
 *   <li>{@code after}: the new image for inserts, updates and snapshot reads, in the column order of schema
 *       version {@code schemaVersion}; columns not sent are {@link Unchanged#VALUE};</li>
 *   <li>{@code position}, {@code txId}, {@code commitTimeMicros}: where and when the source committed it;</li>
 *   <li>{@code seq}: assigned by the log at append, strictly increasing over the whole log.</li>
 * </ul>
 */
public record ChangeEvent(long seq, TableId table, Operation op, int schemaVersion, RowKey key, Row before, Row after,
                          SourcePosition position, long txId, long commitTimeMicros) implements LogRecord {

    public ChangeEvent {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(op, "operation");
        Objects.requireNonNull(position, "source position");
        if (op == Operation.TRUNCATE) {
            if (key != null || before != null || after != null) {
                throw new IllegalArgumentException("TRUNCATE of " + table + " carries no key and no row images");
            }
        } else {
            if (key == null) {
                throw new IllegalArgumentException(op + " on " + table + " has no primary-key values");
            }
            if (op.isUpsert() && after == null) {
                throw new IllegalArgumentException(op + " on " + table + " key " + key + " has no after image");
            }
            if (op == Operation.DELETE && after != null) {
                throw new IllegalArgumentException("DELETE on " + table + " key " + key + " must not have an after image");
            }
        }
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("event on " + table + " has schema version " + schemaVersion + "; versions start at 1");
        }
    }

    public static ChangeEvent upsert(Operation op, TableId table, int schemaVersion, RowKey key, Row after,
                                     SourcePosition position, long txId, long commitTimeMicros) {
        return new ChangeEvent(UNSEQUENCED, table, op, schemaVersion, key, null, after, position, txId, commitTimeMicros);
    }

    public static ChangeEvent delete(TableId table, int schemaVersion, RowKey key, Row before,
                                     SourcePosition position, long txId, long commitTimeMicros) {
        return new ChangeEvent(UNSEQUENCED, table, Operation.DELETE, schemaVersion, key, before, null, position, txId, commitTimeMicros);
    }

    public static ChangeEvent truncate(TableId table, int schemaVersion, SourcePosition position, long txId, long commitTimeMicros) {
        return new ChangeEvent(UNSEQUENCED, table, Operation.TRUNCATE, schemaVersion, null, null, null, position, txId, commitTimeMicros);
    }

    @Override
    public ChangeEvent withSeq(long newSeq) {
        return new ChangeEvent(newSeq, table, op, schemaVersion, key, before, after, position, txId, commitTimeMicros);
    }

    @Override
    public String toString() {
        return "#" + seq + " " + op + " " + table + (key == null ? "" : " key " + key) + " @" + position;
    }
}
