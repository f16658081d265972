package io.rhei.core.model;

import io.rhei.core.schema.TableSchema;

/**
 * A table's schema, appended to the log before the first change that uses it (the table's first event,
 * and every ALTER TABLE). The sink follows it: {@code TableSink.ensureTable}.
 */
public record SchemaChange(long seq, TableSchema schema, SourcePosition position) implements LogRecord {
    public SchemaChange {
        if (schema == null || position == null) {
            throw new IllegalArgumentException("schema change needs a schema and a source position");
        }
    }

    public static SchemaChange of(TableSchema schema, SourcePosition position) {
        return new SchemaChange(UNSEQUENCED, schema, position);
    }

    @Override
    public TableId table() {
        return schema.table();
    }

    @Override
    public SchemaChange withSeq(long newSeq) {
        return new SchemaChange(newSeq, schema, position);
    }
}
