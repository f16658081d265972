package io.rhei.storage;

import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

class LocalVortexStorageTest extends TableStorageContract {
    @TempDir
    Path dir;

    @Override
    protected StorageConfig config() {
        return new StorageConfig(dir.toString(), 4, 1000, 0.5, Duration.ofMillis(200), null, null);
    }

    @Override
    protected TableStorage open(BufferAllocator allocator, StorageConfig config) {
        return config.open(allocator);
    }

    @Override
    protected boolean durable() {
        return true;
    }

    /**
     * A process killed while it wrote a table's first manifest leaves a temporary and no table; the next start must
     * create the table, not refuse it for good (found by SidecarCrashTest).
     */
    @org.junit.jupiter.api.Test
    void aFirstCommitCutShortByAKillLeavesNoTableAndTheNextStartCreatesIt() throws Exception {
        storage.close();
        io.rhei.core.schema.TableSchema schema = io.rhei.core.schema.TableSchema.builder(io.rhei.core.model.TableId.parse("shop.cut"))
                .key("id", io.rhei.core.schema.ColumnType.INT64).build();
        Path manifests = dir.resolve(VortexTableFiles.directoryOf(schema.table())).resolve("manifests");
        java.nio.file.Files.createDirectories(manifests);
        java.nio.file.Files.write(manifests.resolve("00000000000000000001.manifest.tmp-0d1e"), new byte[] {1, 2, 3});
        storage = open(root, config());
        storage.ensureTable(schema, 1);
        io.rhei.core.model.Row row = io.rhei.core.model.Row.of(7L);
        storage.apply(new io.rhei.core.sink.TableChangeBatch(schema, false,
                java.util.List.of(io.rhei.core.sink.RowChange.upsert(schema.keyOf(row), row, 2)), 2, 2, 1));
        storage.close();
        storage = open(root, config());
        org.junit.jupiter.api.Assertions.assertEquals(2, storage.appliedSeq(schema.table()));
        org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(manifests.resolve("00000000000000000001.manifest.tmp-0d1e")),
                "the temporary is gone");
    }
}
