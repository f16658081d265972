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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Tables kept as {@link MergeOnReadTable}s; subclasses say where their files live. Memory is taken from a child
 * of the allocator given here and returned on {@link #close}.
 */
abstract class MergeOnReadStorage implements TableStorage {
    private static final Logger LOG = LoggerFactory.getLogger(MergeOnReadStorage.class);
    protected final BufferAllocator allocator;
    protected final StorageConfig config;
    private final ConcurrentHashMap<TableId, MergeOnReadTable> tables = new ConcurrentHashMap<>();
    /** Compaction runs here, off the sync's thread; one table at a time. */
    private final ExecutorService compactor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rhei-compaction");
        t.setDaemon(true);
        return t;
    });
    private final Set<TableId> compactionQueued = ConcurrentHashMap.newKeySet();

    private final boolean readOnly;

    MergeOnReadStorage(BufferAllocator parent, String name, StorageConfig config, boolean readOnly) {
        this.allocator = parent.newChildAllocator(name, 0, Long.MAX_VALUE);
        this.config = config;
        this.readOnly = readOnly;
    }

    private void checkWritable(TableId table) {
        if (readOnly) {
            throw new RheiException("table " + table + ": this storage was opened read-only (for queries); the sync writes it");
        }
    }

    /** The files of a table being created. */
    protected abstract TableFiles filesForNewTable(TableSchema schema);

    /** Adds a table opened from storage. */
    /**
     * A read-only storage's newer state of a table: readers' snapshots of the old one keep their files until they close;
     * new snapshots see this one.
     */
    protected final void replaced(MergeOnReadTable table) {
        MergeOnReadTable old = tables.put(table.schema().table(), table);
        if (old != null) {
            old.close();
        }
    }

    protected final boolean readOnly() {
        return readOnly;
    }

    protected final void opened(MergeOnReadTable table) {
        tables.put(table.schema().table(), table);
    }

    @Override
    public void ensureTable(TableSchema schema, long seq) {
        checkWritable(schema.table());
        MergeOnReadTable t = tables.get(schema.table());
        if (t == null) {
            tables.put(schema.table(), MergeOnReadTable.create(schema, seq, allocator, config, filesForNewTable(schema)));
            LOG.info("created table {} (schema version {})", schema.table(), schema.version());
        } else if (schema.version() > t.schema().version()) {
            t.evolve(schema, seq);
        }
    }

    @Override
    public Optional<TableSchema> schema(TableId table) {
        MergeOnReadTable t = tables.get(table);
        return t == null ? Optional.empty() : Optional.of(t.schema());
    }

    @Override
    public Set<TableId> tables() {
        return Set.copyOf(tables.keySet());
    }

    @Override
    public void apply(TableChangeBatch batch) {
        TableId id = batch.schema().table();
        checkWritable(id);
        if (table(id).apply(batch)) {
            requestCompaction(id);
        }
    }

    private void requestCompaction(TableId id) {
        if (!compactionQueued.add(id)) {
            return;
        }
        try {
            compactor.execute(() -> {
                compactionQueued.remove(id);
                MergeOnReadTable t = tables.get(id);
                try {
                    while (!closed && t != null && t.needsCompaction() && t.compact()) {
                        // again while the table still has too many files and compaction makes progress
                    }
                } catch (RuntimeException e) {
                    LOG.warn("compaction of {} failed (the table keeps its files, the next commit tries again): {}", id, e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            compactionQueued.remove(id);
        }
    }

    /** Waits until compactions requested so far have run (tests, benchmarks). */
    public void awaitCompactions() {
        try {
            compactor.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long appliedSeq(TableId table) {
        MergeOnReadTable t = tables.get(table);
        return t == null ? 0 : t.appliedSeq();
    }

    @Override
    public org.apache.arrow.memory.BufferAllocator allocator() {
        return allocator;
    }

    @Override
    public TableSnapshot snapshot(TableId table) {
        MergeOnReadTable t = tables.get(table);
        if (t == null) {
            throw new RheiException("no table " + table + " (tables: " + tables.keySet() + ")");
        }
        return t.snapshot();
    }

    private MergeOnReadTable table(TableId id) {
        MergeOnReadTable t = tables.get(id);
        if (t == null) {
            throw new IllegalStateException("table " + id + " does not exist: ensureTable first");
        }
        return t;
    }

    /** Data files of a table (compaction keeps this bounded). */
    public int fileCount(TableId table) {
        return table(table).fileCount();
    }

    private volatile boolean closed;

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        compactor.shutdown();
        try {
            if (!compactor.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.warn("a compaction is still running at close; its result is discarded");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tables.values().forEach(MergeOnReadTable::close);
        tables.clear();
        allocator.close();
    }
}
