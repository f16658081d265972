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
    /** Table directory to the manifest version open (read-only storage follows these forward). */
    private final java.util.Map<String, Long> versions = new java.util.concurrent.ConcurrentHashMap<>();

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
            for (String dir : tableDirectories()) {
                VortexTableFiles.Opened o = VortexTableFiles.open(store, dir, allocator, deleter, !readOnly);
                if (o != null) {
                    opened(MergeOnReadTable.open(o.state(), allocator, config, o.files(), !readOnly));
                    versions.put(dir, o.files().version());
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

    private Set<String> tableDirectories() {
        Set<String> dirs = new TreeSet<>();
        for (ObjectStore.ObjectInfo o : store.list(VortexTableFiles.TABLES)) {
            String rest = o.key().substring(VortexTableFiles.TABLES.length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                dirs.add(VortexTableFiles.TABLES + rest.substring(0, slash + 1));
            }
        }
        return dirs;
    }

    /** What one {@link #refresh} did: tables moved to a newer commit, and the oldest of those commits' age when loaded. */
    public record Refresh(int tablesMoved, long oldestCommitAgeMillis) {
    }

    /**
     * A read-only storage catches up with its writer (a query replica, {@code rhei serve}): each table whose newest
     * manifest is newer than the one open is opened at it, and tables created since are opened. A table only ever
     * moves forward, to exactly one committed state; queries running keep the state they started with.
     */
    public synchronized Refresh refresh() {
        if (!readOnly()) {
            throw new IllegalStateException("refresh() follows a writer: it is for storage opened read-only");
        }
        int moved = 0;
        long oldest = 0;
        long now = System.currentTimeMillis();
        for (String dir : tableDirectories()) {
            long[] newest = VortexTableFiles.newestManifest(store, dir);
            if (newest[0] <= versions.getOrDefault(dir, 0L)) {
                continue;
            }
            VortexTableFiles.Opened o = VortexTableFiles.open(store, dir, allocator, deleter, false);
            if (o == null || o.files().version() <= versions.getOrDefault(dir, 0L)) {
                continue;
            }
            replaced(MergeOnReadTable.open(o.state(), allocator, config, o.files(), false));
            versions.put(dir, o.files().version());
            moved++;
            oldest = Math.max(oldest, now - newest[1]);
        }
        return new Refresh(moved, oldest);
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
