package io.rhei.it;

import io.rhei.cdc.pg.EmbeddedPostgresServer;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A real PostgreSQL and a Rhei engine (in-memory storage) side by side, for answers compared between them. */
record ComparedEngines(EmbeddedPostgresServer pg, RootAllocator root, DataFusionOlapEngine rhei) implements AutoCloseable {

    static ComparedEngines start() {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start();
        RootAllocator root = new RootAllocator();
        return new ComparedEngines(pg, root, new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults()));
    }

    /** Closes both; fails when Rhei leaves any Arrow buffer allocated. */
    @Override
    public void close() {
        try {
            rhei.close();
            assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
            root.close();
        } finally {
            pg.close();
        }
    }
}
