package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.schema.TableSchema;
import io.rhei.storage.objectstore.ObjectExistsException;
import io.rhei.storage.objectstore.ObjectStore;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One table's directory in a local directory or bucket:
 * <pre>
 * tables/&lt;schema.table&gt;/manifests/&lt;version, 20 digits&gt;.manifest   the commits; the highest version is the table
 * tables/&lt;schema.table&gt;/data/&lt;uuid&gt;.vortex                       immutable data files
 * tables/&lt;schema.table&gt;/deletes/&lt;uuid&gt;.dv                        deletion vectors written by one commit
 * </pre>
 * A commit writes its new data file and (when rows were deleted) one deletion-vector object, then publishes the
 * next manifest version with a write that fails if that version exists. A crash before the manifest leaves only
 * unreferenced objects, collected at the next open after a grace period; readers never see them.
 */
final class VortexTableFiles implements TableFiles {
    private static final Logger LOG = LoggerFactory.getLogger(VortexTableFiles.class);
    static final String TABLES = "tables/";
    private static final String MANIFESTS = "manifests/";
    private static final String MANIFEST_SUFFIX = ".manifest";
    /** Older manifests kept for readers in other processes that opened one a moment ago. */
    private static final int KEEP_MANIFESTS = 8;

    private final ObjectStore store;
    private final String dir;
    private final BufferAllocator allocator;
    private final DelayedDeleter deleter;
    private long version;
    private Set<String> liveDeletionVectors = Set.of();
    /**
     * The manifest of a commit whose write failed without saying whether it landed (the object store went away while it
     * answered): if the next commit finds that version taken by exactly these bytes, it was this process's own.
     */
    private UnconfirmedManifest unconfirmed;

    private record UnconfirmedManifest(long version, byte[] bytes) {
    }

    private VortexTableFiles(ObjectStore store, String dir, BufferAllocator allocator, DelayedDeleter deleter, long version) {
        this.store = store;
        this.dir = dir;
        this.allocator = allocator;
        this.deleter = deleter;
        this.version = version;
    }

    /** The manifest version these files were opened at (or last committed). */
    long version() {
        return version;
    }

    /** The newest manifest of a table directory and when it was written: {version, millis}, or {0, 0} when there is none. */
    static long[] newestManifest(ObjectStore store, String dir) {
        long latest = 0;
        long written = 0;
        for (ObjectStore.ObjectInfo o : store.list(dir)) {
            long v = manifestVersion(o.key(), dir);
            if (v > latest) {
                latest = v;
                written = o.lastModifiedMillis();
            }
        }
        return new long[] {latest, written};
    }

    static String directoryOf(io.rhei.core.model.TableId table) {
        return TABLES + java.net.URLEncoder.encode(table.toString(), java.nio.charset.StandardCharsets.UTF_8) + "/";
    }

    /** Files for a table that does not exist yet (its first commit creates version 1). */
    static VortexTableFiles create(ObjectStore store, TableSchema schema, BufferAllocator allocator, DelayedDeleter deleter) {
        String dir = directoryOf(schema.table());
        if (store.list(dir + MANIFESTS).stream().anyMatch(o -> manifestVersion(o.key(), dir) > 0)) {
            throw new RheiException(store.describe() + " already holds table " + schema.table() + " but it was not opened");
        }
        // A process killed while it wrote the table's first manifest leaves the temporary (and the data files) behind
        // and no table (found by SidecarCrashTest: the restarted sync refused the table for good). No manifest refers
        // to them: deleted.
        for (ObjectStore.ObjectInfo o : store.list(dir)) {
            LOG.info("deleting {} in {}: left by a first commit of {} that did not finish", o.key(), store.describe(), schema.table());
            deleter.deleteNow(o.key());
        }
        return new VortexTableFiles(store, dir, allocator, deleter, 0);
    }

    /** The files and last committed state of the table stored under {@code dir}; collects what no commit uses. */
    static Opened open(ObjectStore store, String dir, BufferAllocator allocator, DelayedDeleter deleter, boolean collectGarbage) {
        List<ObjectStore.ObjectInfo> objects = store.list(dir);
        long latest = 0;
        for (ObjectStore.ObjectInfo o : objects) {
            latest = Math.max(latest, manifestVersion(o.key(), dir));
        }
        if (latest == 0) {
            return null;
        }
        String manifestKey = manifestKey(dir, latest);
        Manifest.Decoded decoded = Manifest.decode(store.get(manifestKey), store.describe() + " " + manifestKey);
        Manifest m = decoded.manifest();
        VortexTableFiles files = new VortexTableFiles(store, dir, allocator, deleter, latest);
        Map<String, byte[]> blobs = new HashMap<>();
        List<Segment> segments = new ArrayList<>(m.files().size());
        Set<String> referenced = new HashSet<>();
        referenced.add(manifestKey);
        for (Manifest.FileEntry f : m.files()) {
            TableSchema schema = decoded.schemas().get(f.schemaVersion());
            RoaringBitmap deleted = new RoaringBitmap();
            if (f.deletes() != null) {
                byte[] blob = blobs.computeIfAbsent(f.deletes().key(), store::get);
                deleted = readBitmap(blob, f.deletes(), store.describe());
                referenced.add(f.deletes().key());
            }
            referenced.add(f.key());
            segments.add(new Segment(files.dataFile(f.id(), schema, f.rowCount(), f.key()), deleted, f.deletes()));
        }
        files.liveDeletionVectors = deletionVectorKeys(segments);
        if (collectGarbage) {
            files.collectGarbage(objects, referenced, latest);
        }
        return new Opened(files, new TableCommit(m.schema(), m.appliedSeq(), m.nextFileId(), segments));
    }

    record Opened(VortexTableFiles files, TableCommit state) {
    }

    private static long manifestVersion(String key, String dir) {
        String prefix = dir + MANIFESTS;
        if (!key.startsWith(prefix) || !key.endsWith(MANIFEST_SUFFIX)) {
            return 0;
        }
        String v = key.substring(prefix.length(), key.length() - MANIFEST_SUFFIX.length());
        return v.chars().allMatch(Character::isDigit) && !v.isEmpty() ? Long.parseLong(v) : 0;
    }

    private static String manifestKey(String dir, long version) {
        return dir + MANIFESTS + String.format("%020d", version) + MANIFEST_SUFFIX;
    }

    /** Unreferenced data and deletion-vector objects, temporaries and old manifests, once past the grace period. */
    private void collectGarbage(List<ObjectStore.ObjectInfo> objects, Set<String> referenced, long latest) {
        long cutoff = System.currentTimeMillis() - deleter.grace().toMillis();
        int collected = 0;
        for (ObjectStore.ObjectInfo o : objects) {
            long v = manifestVersion(o.key(), dir);
            boolean garbage = v > 0 ? v <= latest - KEEP_MANIFESTS : !referenced.contains(o.key()) && o.lastModifiedMillis() < cutoff;
            if (garbage) {
                deleter.deleteNow(o.key());
                collected++;
            }
        }
        if (collected > 0) {
            LOG.info("collected {} unused objects of {} in {}", collected, dir, store.describe());
        }
    }

    private VortexDataFile dataFile(long id, TableSchema schema, int rows, String key) {
        return new VortexDataFile(id, schema, rows, key, store.vortexUri(key), store.vortexOptions(), deleter::deleteLater);
    }

    @Override
    public DataFile write(long fileId, TableSchema schema, VectorSchemaRoot rows) {
        String key = dir + "data/" + UUID.randomUUID() + ".vortex";
        try (rows) {
            VortexIO.write(store.vortexUri(key), store.vortexOptions(), rows, allocator);
            return dataFile(fileId, schema, rows.getRowCount(), key);
        } catch (RuntimeException e) {
            deleter.deleteLater(key);
            throw new RheiException("table " + schema.table() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Segment> commit(TableCommit commit) {
        List<Segment> segments = persistDeletionVectors(commit.segments());
        Map<Integer, TableSchema> schemas = new HashMap<>();
        schemas.put(commit.schema().version(), commit.schema());
        List<Manifest.FileEntry> entries = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            VortexDataFile f = (VortexDataFile) s.file();
            schemas.put(f.schema().version(), f.schema());
            entries.add(new Manifest.FileEntry(f.id(), f.key(), f.rowCount(), f.schema().version(), s.stored(), s.deleted().getCardinality()));
        }
        Manifest m = writeManifest(commit, entries, schemas);
        version = m.version();
        Set<String> live = deletionVectorKeys(segments);
        for (String old : liveDeletionVectors) {
            if (!live.contains(old)) {
                deleter.deleteLater(old);
            }
        }
        liveDeletionVectors = live;
        if (version > KEEP_MANIFESTS) {
            deleter.deleteLater(manifestKey(dir, version - KEEP_MANIFESTS));
        }
        return segments;
    }

    /**
     * Writes the commit's manifest as the next version. A version found taken by this process's own earlier commit,
     * whose write failed without an answer and yet landed, is passed over: that commit's state is a committed state
     * (readers may have seen it), and this one, made from the last confirmed version and every change since, follows it.
     * Taken by anything else, it is another writer's, and the commit fails.
     */
    private Manifest writeManifest(TableCommit commit, List<Manifest.FileEntry> entries, Map<Integer, TableSchema> schemas) {
        long next = version + 1;
        while (true) {
            Manifest m = new Manifest(next, commit.schema(), commit.appliedSeq(), commit.nextFileId(), entries);
            String key = manifestKey(dir, next);
            byte[] bytes = m.encode(schemas);
            try {
                store.putIfAbsent(key, bytes);
                unconfirmed = null;
                return m;
            } catch (ObjectExistsException e) {
                if (unconfirmed == null || unconfirmed.version() != next || !java.util.Arrays.equals(unconfirmed.bytes(), existing(key))) {
                    throw new RheiException("table " + commit.schema().table() + ": " + e.getMessage(), e);
                }
                LOG.warn("table {}: manifest {} is this process's own commit whose write failed without an answer and landed; "
                        + "this commit (sequence {}) follows it as version {}", commit.schema().table(), next, commit.appliedSeq(), next + 1);
                unconfirmed = null;
                next++;
            } catch (RuntimeException e) {
                // The manifest may have landed: its new deletion vectors stay (a reopened table reads the newest
                // manifest); if it did not, they are unreferenced, and the collection at open removes them.
                unconfirmed = new UnconfirmedManifest(next, bytes);
                throw new RheiException("table " + commit.schema().table() + ": commit of sequence " + commit.appliedSeq()
                        + " failed, the table stays at its last commit: " + e.getMessage(), e);
            }
        }
    }

    private byte[] existing(String key) {
        try {
            return store.get(key);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Writes the deletion vectors this commit changed into one object; the segments then point into it. */
    private List<Segment> persistDeletionVectors(List<Segment> segments) {
        if (segments.stream().noneMatch(Segment::unpersistedDeletes)) {
            return segments;
        }
        String key = dir + "deletes/" + UUID.randomUUID() + ".dv";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Segment> out = new ArrayList<>(segments.size());
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            for (Segment s : segments) {
                if (!s.unpersistedDeletes()) {
                    out.add(s);
                    continue;
                }
                s.deleted().runOptimize();
                int offset = data.size();
                s.deleted().serialize(data);
                out.add(new Segment(s.file(), s.deleted(), new DeletionVectorRef(key, offset, data.size() - offset)));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory
        }
        store.put(key, bytes.toByteArray());
        return out;
    }

    private static RoaringBitmap readBitmap(byte[] blob, DeletionVectorRef ref, String where) {
        RoaringBitmap b = new RoaringBitmap();
        try {
            b.deserialize(new DataInputStream(new ByteArrayInputStream(blob, (int) ref.offset(), ref.length())));
        } catch (IOException | RuntimeException e) {
            throw new RheiException("deletion vector " + ref.key() + " in " + where + " is damaged: " + e, e);
        }
        return b;
    }

    private static Set<String> deletionVectorKeys(List<Segment> segments) {
        Set<String> keys = new HashSet<>();
        for (Segment s : segments) {
            if (s.stored() != null) {
                keys.add(s.stored().key());
            }
        }
        return keys;
    }

    @Override
    public String describe() {
        return store.describe() + " " + dir;
    }

    @Override
    public void close() {
    }
}
