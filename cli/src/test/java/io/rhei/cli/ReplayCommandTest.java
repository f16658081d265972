package io.rhei.cli;

import io.rhei.testing.ShopWorkload;
import io.rhei.PostgresSource;
import io.rhei.Rhei;
import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.QueryResults;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rhei replay} of a log recorded by a live sync rebuilds, into fresh Vortex storage, exactly the state the
 * live sync reached; stopped half-way (--until-seq) and run again, it continues; run once more, it has nothing to do.
 */
class ReplayCommandTest {
    private static final Map<String, String> TABLES = TableChecksums.SHOP_TABLES;

    @TempDir
    Path dir;

    @Test
    void replayRebuildsTheLiveStateAndResumesWhereItStopped() throws Exception {
        Map<String, List<List<Object>>> live = new LinkedHashMap<>();
        long lastSeq;
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            try (Connection c = pg.connect()) {
                ShopWorkload.createSchema(c, 300, 40);
            }
            try (Rhei rhei = Rhei.builder().source(PostgresSource.builder().port(pg.port()).user("postgres").slot("replay_test")
                    .tables("public\\..*").set("source.offsets-file", dir.resolve("offsets.dat").toString()).build())
                    .log(dir.resolve("log")).build()) {
                rhei.start();
                ShopWorkload workload = new ShopWorkload(() -> {
                    try {
                        return pg.connect();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, 300);
                Thread writer = new Thread(workload);
                writer.start();
                Thread.sleep(4000);
                workload.stop();
                writer.join();
                assertEquals(null, workload.failure());
                rhei.awaitCaughtUp(Duration.ofSeconds(60)); // read-your-writes: everything PostgreSQL committed is applied
                for (Map.Entry<String, String> t : TABLES.entrySet()) {
                    live.put(t.getKey(), rhei.query("SELECT * FROM " + t.getKey() + " ORDER BY " + t.getValue()).rows());
                }
                lastSeq = rhei.metrics().stream().filter(m -> m.name().equals("rhei_log_end_seq")).mapToLong(m -> (long) m.value()).findFirst()
                        .orElseThrow();
            }
        }
        assertTrue(live.get("orders").size() > 100, "the workload wrote orders: " + live.get("orders").size());
        String storage = dir.resolve("rebuilt").toString();
        String log = dir.resolve("log").toString();

        Result half = run("replay", "--log", log, "--storage", storage, "--until-seq", String.valueOf(lastSeq / 2));
        assertEquals(0, half.exitCode(), half.output() + half.errors());
        assertTrue(half.output().contains("replaying") && half.output().contains("ETA"), half.output());

        Result rest = run("replay", "--log", log, "--storage", storage);
        assertEquals(0, rest.exitCode(), rest.output() + rest.errors());
        assertTrue(rest.output().contains(String.format("sequences %,d..", lastSeq / 2 + 1)), "the second run continues where the first stopped:\n" + rest.output());

        Result again = run("replay", "--log", log, "--storage", storage);
        assertEquals(0, again.exitCode(), again.output() + again.errors());
        assertTrue(again.output().contains("nothing to replay"), again.output());

        // rhei query straight on the rebuilt storage (read-only), as CSV and as an Arrow IPC stream
        Result csv = run("query", "--storage", storage, "--format", "csv", "SELECT count(*) AS n FROM orders");
        assertEquals(0, csv.exitCode(), csv.output() + csv.errors());
        assertEquals("n\n" + live.get("orders").size() + "\n", csv.output().replace("\r", ""));
        ByteArrayOutputStream arrow = new ByteArrayOutputStream();
        assertEquals(0, RheiCommand.run(new PrintStream(arrow, true), "query", "--storage", storage, "--format", "arrow", "SELECT * FROM order_items").exitCode());
        try (RootAllocator root = new RootAllocator();
             org.apache.arrow.vector.ipc.ArrowStreamReader reader = new org.apache.arrow.vector.ipc.ArrowStreamReader(
                     new java.io.ByteArrayInputStream(arrow.toByteArray()), root)) {
            long n = 0;
            while (reader.loadNextBatch()) {
                n += reader.getVectorSchemaRoot().getRowCount();
            }
            assertEquals(live.get("order_items").size(), n, "rows in the Arrow IPC stream");
        }

        try (RootAllocator root = new RootAllocator();
             DataFusionOlapEngine rebuilt = new DataFusionOlapEngine(StorageConfig.defaults().withUri(storage).open(root), NativeQueryOptions.defaults())) {
            for (Map.Entry<String, String> t : TABLES.entrySet()) {
                assertEquals(live.get(t.getKey()), rows(rebuilt, root, t.getKey(), t.getValue()), "table " + t.getKey());
            }
        }
    }

    private record Result(int exitCode, String output, String errors) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        RheiCommand.Run r = RheiCommand.run(new PrintStream(buf, true, StandardCharsets.UTF_8), args);
        return new Result(r.exitCode(), buf.toString(StandardCharsets.UTF_8), r.errors());
    }

    private static List<List<Object>> rows(DataFusionOlapEngine engine, org.apache.arrow.memory.BufferAllocator allocator, String table, String key) {
        return QueryResults.read(engine.execute("SELECT * FROM " + table + " ORDER BY " + key, allocator)).rows();
    }

}
