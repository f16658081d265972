package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableChangeBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tables as Arrow batches in memory: the fastest mode, and lost on shutdown (a restarted sync replays the change
 * log from the start). Memory is taken from a child of the allocator given here and returned on {@link #close}.
 */
public final class InMemoryStorage implements TableStorage {
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryStorage.class);
    private final BufferAllocator allocator;
    private final StorageConfig config;
    private final ConcurrentHashMap<TableId, InMemoryTable> tables = new ConcurrentHashMap<>();

    public InMemoryStorage(BufferAllocator parent, StorageConfig config) {
        this.allocator = parent.newChildAllocator("rhei-storage-memory", 0, Long.MAX_VALUE);
        this.config = config;
    }

    @Override
    public void ensureTable(TableSchema schema, long seq) {
        InMemoryTable t = tables.get(schema.table());
        if (t == null) {
            tables.put(schema.table(), new InMemoryTable(schema, seq, allocator, config));
            LOG.info("created table {} (schema version {})", schema.table(), schema.version());
        } else if (schema.version() > t.schema().version()) {
            t.evolve(schema, seq);
        }
    }

    @Override
    public Optional<TableSchema> schema(TableId table) {
        InMemoryTable t = tables.get(table);
        return t == null ? Optional.empty() : Optional.of(t.schema());
    }

    @Override
    public Set<TableId> tables() {
        return Set.copyOf(tables.keySet());
    }

    @Override
    public void apply(TableChangeBatch batch) {
        table(batch.schema().table()).apply(batch);
    }

    @Override
    public long appliedSeq(TableId table) {
        InMemoryTable t = tables.get(table);
        return t == null ? 0 : t.appliedSeq();
    }

    @Override
    public TableSnapshot snapshot(TableId table) {
        InMemoryTable t = tables.get(table);
        if (t == null) {
            throw new RheiException("no table " + table + " (tables: " + tables.keySet() + ")");
        }
        return t.snapshot();
    }

    private InMemoryTable table(TableId id) {
        InMemoryTable t = tables.get(id);
        if (t == null) {
            throw new IllegalStateException("table " + id + " does not exist: ensureTable first");
        }
        return t;
    }

    /** Data files of a table (compaction keeps this bounded). */
    public int fileCount(TableId table) {
        return table(table).fileCount();
    }

    @Override
    public void close() {
        tables.values().forEach(InMemoryTable::close);
        tables.clear();
        allocator.close();
    }
}
