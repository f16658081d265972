package io.rhei.cli;

import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.server.FlightSqlQueryServer;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rhei query} against a Flight SQL server. */
class QueryCommandTest {
    private RootAllocator root;
    private DataFusionOlapEngine engine;
    private FlightSqlQueryServer server;

    @BeforeEach
    void start() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        io.rhei.testing.OrdersTable.load(engine, 50_000);
        server = FlightSqlQueryServer.start(engine, root, "127.0.0.1", 0, new FlightSqlQueryServer.Credentials("rhei", "s3cret"));
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    @Test
    void rheiQueryCommandPrintsTableCsvAndJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path secret = dir.resolve("pw");
        java.nio.file.Files.writeString(secret, "s3cret\n");
        for (String[] fmt : new String[][]{{"table", "status | n"}, {"csv", "new,25000"}, {"json", "{\"status\": \"paid\", \"n\": 25000}"}}) {
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            RheiCommand.Run run = RheiCommand.run(new java.io.PrintStream(buf, true, "UTF-8"), "query", "--server", "127.0.0.1:" + server.port(),
                    "--user", "rhei", "--password-file", secret.toString(), "--format", fmt[0],
                    "SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status");
            String printed = buf.toString("UTF-8");
            assertEquals(0, run.exitCode(), printed + run.errors());
            assertTrue(printed.contains(fmt[1]), fmt[0] + ":\n" + printed);
        }
    }
}
