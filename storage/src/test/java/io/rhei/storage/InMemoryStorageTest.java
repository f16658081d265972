package io.rhei.storage;

import org.apache.arrow.memory.BufferAllocator;

class InMemoryStorageTest extends TableStorageContract {
    @Override
    protected TableStorage open(BufferAllocator allocator, StorageConfig config) {
        return new InMemoryStorage(allocator, config);
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
