package io.rhei.storage;

import io.rhei.testing.S3TestServer;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.UUID;

class S3VortexStorageTest extends TableStorageContract {
    private static S3TestServer s3;
    private final String prefix = "rhei-" + UUID.randomUUID();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3TestServer.start("lake");
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @Override
    protected StorageConfig config() {
        return new StorageConfig("s3://lake/" + prefix, 4, 1000, 0.5, Duration.ofMillis(200), s3.endpoint(), "us-east-1");
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
