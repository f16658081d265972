package io.rhei.core.testing;

import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;

/** Builds events for a simple two-column table {@code (id int8 key, v text)} with increasing positions. */
public final class Events {
    /** Shared by every instance so that events of several tables interleave with increasing positions. */
    private static final java.util.concurrent.atomic.AtomicLong LSN = new java.util.concurrent.atomic.AtomicLong();
    private final TableSchema schema;

    public Events(TableSchema schema) {
        this.schema = schema;
    }

    public static TableSchema keyValueSchema(String table) {
        return TableSchema.builder(TableId.parse(table)).key("id", ColumnType.INT64).column("v", ColumnType.TEXT).build();
    }

    public TableSchema schema() {
        return schema;
    }

    public SourcePosition next() {
        long lsn = LSN.addAndGet(16);
        return new SourcePosition(lsn, lsn, 0);
    }

    public ChangeEvent upsert(Operation op, long id, Object value) {
        return ChangeEvent.upsert(op, schema.table(), schema.version(), RowKey.of(id), Row.of(id, value), next(), 1, micros());
    }

    public ChangeEvent insert(long id, Object value) {
        return upsert(Operation.INSERT, id, value);
    }

    public ChangeEvent update(long id, Object value) {
        return upsert(Operation.UPDATE, id, value);
    }

    public ChangeEvent delete(long id) {
        return ChangeEvent.delete(schema.table(), schema.version(), RowKey.of(id), null, next(), 1, micros());
    }

    public ChangeEvent truncate() {
        return ChangeEvent.truncate(schema.table(), schema.version(), next(), 1, micros());
    }

    private static long micros() {
        return System.currentTimeMillis() * 1000;
    }
}
