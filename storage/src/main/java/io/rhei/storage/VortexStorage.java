package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.schema.TableSchema;
import io.rhei.storage.objectstore.ObjectStore;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.TreeSet;

/**
 * Durable tables as immutable Vortex files plus deletion vectors and manifests, in a local directory or an
 * S3-compatible bucket ({@link ObjectStore}). Opening finds every table under {@code tables/}, reads its last
 * manifest, rebuilds its key index, and collects objects no commit uses. One writer per storage location.
 */
public final class VortexStorage extends MergeOnReadStorage {
    private static final Logger LOG = LoggerFactory.getLogger(VortexStorage.class);
    private final ObjectStore store;
    private final DelayedDeleter deleter;

    /** Opens (or starts) the storage for the sync, its one writer; takes ownership of {@code store}. */
    public VortexStorage(BufferAllocator parent, StorageConfig config, ObjectStore store) {
        this(parent, config, store, false);
    }

    /**
     * With {@code readOnly}, for queries next to a running sync (e.g. {@code rhei query --storage}): no key
     * index, no garbage collection, changes refused. Takes ownership of {@code store}.
     */
    public VortexStorage(BufferAllocator parent, StorageConfig config, ObjectStore store, boolean readOnly) {
        super(parent, "rhei-storage-vortex", config, readOnly);
        this.store = store;
        this.deleter = new DelayedDeleter(store, config.gcGrace());
        try {
            long t0 = System.nanoTime();
            Set<String> dirs = new TreeSet<>();
            for (ObjectStore.ObjectInfo o : store.list(VortexTableFiles.TABLES)) {
                String rest = o.key().substring(VortexTableFiles.TABLES.length());
                int slash = rest.indexOf('/');
                if (slash > 0) {
                    dirs.add(VortexTableFiles.TABLES + rest.substring(0, slash + 1));
                }
            }
            for (String dir : dirs) {
                VortexTableFiles.Opened o = VortexTableFiles.open(store, dir, allocator, deleter, !readOnly);
                if (o != null) {
                    opened(MergeOnReadTable.open(o.state(), allocator, config, o.files(), !readOnly));
                    LOG.info("opened table {} from {}: {} files, applied sequence {}", o.state().schema().table(), store.describe(),
                            o.state().segments().size(), o.state().appliedSeq());
                }
            }
            LOG.info("storage {} open: {} tables in {} ms", store.describe(), tables().size(), (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            close();
            throw e instanceof RheiException ? e : new RheiException("cannot open " + store.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected TableFiles filesForNewTable(TableSchema schema) {
        return VortexTableFiles.create(store, schema, allocator, deleter);
    }

    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            deleter.close();
            store.close();
        }
    }
}
