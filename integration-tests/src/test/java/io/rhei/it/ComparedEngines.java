package io.rhei.it;

import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real PostgreSQL and a Rhei engine side by side, for answers compared between them. Rhei's tables are in memory,
 * or in local Vortex files when the system property {@code rhei.it.storage} is {@code vortex}.
 */
record ComparedEngines(EmbeddedPostgresServer pg, RootAllocator root, DataFusionOlapEngine rhei) implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ComparedEngines.class);

    static ComparedEngines start() {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start();
        RootAllocator root = new RootAllocator();
        StorageConfig storage = StorageConfig.defaults();
        if ("vortex".equals(System.getProperty("rhei.it.storage"))) {
            try {
                storage = storage.withUri(Files.createTempDirectory("rhei-it-vortex").toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        LOG.info("Rhei tables in {}", storage.uri());
        return new ComparedEngines(pg, root, new DataFusionOlapEngine(storage.open(root),
                NativeQueryOptions.defaults().withParallelism(2).withParallelMinRows(0)));
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
