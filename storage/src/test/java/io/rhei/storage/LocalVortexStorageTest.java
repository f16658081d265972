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
}
