package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.config.ConfigKey;
import io.rhei.core.config.Settings;
import io.rhei.storage.objectstore.LocalObjectStore;
import io.rhei.storage.objectstore.S3ObjectStore;
import org.apache.arrow.memory.BufferAllocator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Keys:
 * <pre>
 * storage.uri                      memory: (default, not durable) | a local directory (or file:///dir) | s3://bucket/prefix
 * storage.s3.endpoint              S3-compatible endpoint, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL, else AWS)
 * storage.s3.region                (default: AWS_REGION, else us-east-1); credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * storage.compaction.max-files     a table with more data files than this is compacted after a commit (default 16)
 * storage.compaction.target-rows   files are merged up to this many live rows (default 1000000)
 * storage.compaction.max-deleted   a file with more than this fraction of deleted rows is rewritten (default 0.5)
 * storage.gc.grace                 how long unused files stay for readers in other processes (default 60s)
 * </pre>
 */
public record StorageConfig(String uri, int compactionMaxFiles, int compactionTargetRows, double compactionMaxDeleted,
                            Duration gcGrace, String s3Endpoint, String s3Region) {
    public static final ConfigKey URI = ConfigKey.of("storage.uri", "memory:",
            "where tables live: `memory:` (not durable), a local directory (or `file:///dir`), or `s3://bucket/prefix`");
    public static final ConfigKey S3_ENDPOINT = ConfigKey.computed("storage.s3.endpoint", "`AWS_ENDPOINT_URL`, else AWS",
            "S3-compatible endpoint, e.g. `http://127.0.0.1:9000`");
    public static final ConfigKey S3_REGION = ConfigKey.computed("storage.s3.region", "`AWS_REGION`, else `us-east-1`",
            "S3 region; credentials come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`");
    public static final ConfigKey COMPACTION_MAX_FILES = ConfigKey.of("storage.compaction.max-files", "16",
            "a table with more data files than this is compacted after a commit");
    public static final ConfigKey COMPACTION_TARGET_ROWS = ConfigKey.of("storage.compaction.target-rows", "1000000",
            "files are merged up to this many live rows");
    public static final ConfigKey COMPACTION_MAX_DELETED = ConfigKey.of("storage.compaction.max-deleted", "0.5",
            "a file with more than this fraction of its rows deleted is rewritten");
    public static final ConfigKey GC_GRACE = ConfigKey.of("storage.gc.grace", "60s",
            "how long files compaction retired stay for readers in other processes");
    public static final List<ConfigKey> KEYS = List.of(URI, S3_ENDPOINT, S3_REGION, COMPACTION_MAX_FILES, COMPACTION_TARGET_ROWS,
            COMPACTION_MAX_DELETED, GC_GRACE);

    public StorageConfig {
        if (compactionMaxFiles < 1) {
            throw new RheiException("storage.compaction.max-files must be at least 1, got " + compactionMaxFiles);
        }
        if (compactionTargetRows < 1) {
            throw new RheiException("storage.compaction.target-rows must be positive, got " + compactionTargetRows);
        }
        if (!(compactionMaxDeleted > 0 && compactionMaxDeleted <= 1)) {
            throw new RheiException("storage.compaction.max-deleted must be in (0, 1], got " + compactionMaxDeleted);
        }
        if (gcGrace.isNegative()) {
            throw new RheiException("storage.gc.grace must not be negative, got " + gcGrace);
        }
        uri = uri == null || uri.isBlank() ? "memory:" : uri.trim();
    }

    public StorageConfig(String uri, int compactionMaxFiles, int compactionTargetRows, double compactionMaxDeleted) {
        this(uri, compactionMaxFiles, compactionTargetRows, compactionMaxDeleted, Duration.ofSeconds(60), null, null);
    }

    public static StorageConfig defaults() {
        return from(Settings.empty());
    }

    public static StorageConfig from(Settings s) {
        return new StorageConfig(s.getString(URI), s.getInt(COMPACTION_MAX_FILES), s.getInt(COMPACTION_TARGET_ROWS),
                s.getDouble(COMPACTION_MAX_DELETED), s.getDuration(GC_GRACE), s.get(S3_ENDPOINT).orElse(null), s.get(S3_REGION).orElse(null));
    }

    public StorageConfig withUri(String newUri) {
        return new StorageConfig(newUri, compactionMaxFiles, compactionTargetRows, compactionMaxDeleted, gcGrace, s3Endpoint, s3Region);
    }

    public boolean inMemory() {
        return uri.equals("memory:");
    }

    /** Opens the storage this configuration names: memory, a local directory, or S3 (told apart by the URI's scheme). */
    public TableStorage open(BufferAllocator allocator) {
        if (inMemory()) {
            return new InMemoryStorage(allocator, this);
        }
        return new VortexStorage(allocator, this, objectStore(true));
    }

    /** Durable storage opened for queries only, next to the sync that writes it (which may be running). */
    public TableStorage openReadOnly(BufferAllocator allocator) {
        if (inMemory()) {
            throw new RheiException("memory: tables live inside the process that syncs them; query that process (rhei query --server)");
        }
        return new VortexStorage(allocator, this, objectStore(false), true);
    }

    private io.rhei.storage.objectstore.ObjectStore objectStore(boolean checkWritable) {
        if (uri.startsWith("s3://")) {
            S3ObjectStore s3 = new S3ObjectStore(java.net.URI.create(uri), s3Endpoint, s3Region);
            try {
                if (checkWritable) {
                    s3.checkAccess();
                }
            } catch (RuntimeException e) {
                s3.close();
                throw e;
            }
            return s3;
        }
        Path dir = uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)) : Path.of(uri);
        if (!checkWritable && !java.nio.file.Files.isDirectory(dir)) {
            throw new RheiException("no storage at " + dir.toAbsolutePath());
        }
        return new LocalObjectStore(dir);
    }
}
