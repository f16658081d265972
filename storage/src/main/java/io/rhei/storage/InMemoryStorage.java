package io.rhei.storage;

import io.rhei.core.schema.TableSchema;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Tables as Arrow batches in memory: the fastest mode, and lost on shutdown (a restarted sync replays the change
 * log from the start).
 */
public final class InMemoryStorage extends MergeOnReadStorage {

    public InMemoryStorage(BufferAllocator parent, StorageConfig config) {
        super(parent, "rhei-storage-memory", config, false);
    }

    @Override
    protected TableFiles filesForNewTable(TableSchema schema) {
        return new MemoryTableFiles(schema.table().toString());
    }
}
