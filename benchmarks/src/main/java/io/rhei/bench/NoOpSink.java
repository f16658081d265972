package io.rhei.bench;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableSink;
import io.rhei.core.sink.TableChangeBatch;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A sink that keeps schemas and applied sequences but no rows: measures the engine's own cost per event. */
final class NoOpSink implements TableSink {
    private final Map<TableId, TableSchema> schemas = new HashMap<>();
    private final Map<TableId, Long> applied = new HashMap<>();
    long changesSeen;

    @Override
    public void ensureTable(TableSchema schema, long seq) {
        schemas.merge(schema.table(), schema, (a, b) -> a.version() >= b.version() ? a : b);
        applied.merge(schema.table(), seq, Math::max);
    }

    @Override
    public Optional<TableSchema> schema(TableId table) {
        return Optional.ofNullable(schemas.get(table));
    }

    @Override
    public Set<TableId> tables() {
        return schemas.keySet();
    }

    @Override
    public void apply(TableChangeBatch batch) {
        changesSeen += batch.changes().size();
        applied.merge(batch.schema().table(), batch.lastSeq(), Math::max);
    }

    @Override
    public long appliedSeq(TableId table) {
        return applied.getOrDefault(table, 0L);
    }

    @Override
    public void close() {
    }
}
