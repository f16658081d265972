package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.config.Settings;

import java.util.List;

/**
 * Keys:
 * <pre>
 * storage.uri                      memory: (default) | a local directory | s3://bucket/prefix
 * storage.compaction.max-files     a table with more data files than this is compacted after a commit (default 16)
 * storage.compaction.target-rows   files are merged up to this many live rows (default 1000000)
 * storage.compaction.max-deleted   a file with more than this fraction of deleted rows is rewritten (default 0.5)
 * </pre>
 */
public record StorageConfig(String uri, int compactionMaxFiles, int compactionTargetRows, double compactionMaxDeleted) {
    public static final List<String> KEYS = List.of("storage.uri", "storage.compaction.max-files", "storage.compaction.target-rows",
            "storage.compaction.max-deleted");

    public StorageConfig {
        if (compactionMaxFiles < 2) {
            throw new RheiException("storage.compaction.max-files must be at least 2, got " + compactionMaxFiles);
        }
        if (compactionTargetRows < 1) {
            throw new RheiException("storage.compaction.target-rows must be positive, got " + compactionTargetRows);
        }
        if (!(compactionMaxDeleted > 0 && compactionMaxDeleted <= 1)) {
            throw new RheiException("storage.compaction.max-deleted must be in (0, 1], got " + compactionMaxDeleted);
        }
    }

    public static StorageConfig defaults() {
        return new StorageConfig("memory:", 16, 1_000_000, 0.5);
    }

    public static StorageConfig from(Settings s) {
        return new StorageConfig(s.getString("storage.uri", "memory:"), s.getInt("storage.compaction.max-files", 16),
                s.getInt("storage.compaction.target-rows", 1_000_000),
                Double.parseDouble(s.getString("storage.compaction.max-deleted", "0.5")));
    }

    public boolean inMemory() {
        return uri.equals("memory:") || uri.isBlank();
    }
}
