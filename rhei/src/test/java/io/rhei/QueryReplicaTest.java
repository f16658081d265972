package io.rhei;

import io.rhei.core.config.Settings;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.storage.StorageConfig;
import io.rhei.storage.TableStorage;
import io.rhei.testing.LocalResources;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rhei serve} (issue 20): a query replica over the directory a writer commits to, queried through the
 * PostgreSQL protocol while the writer commits. Each commit sets every row to the same version, so an answer mixing two
 * commits would show two versions: every answer must be one commit, and the version a client sees never goes back.
 */
class QueryReplicaTest {
    private static final TableId T = TableId.parse("shop.stock");
    private static final int ROWS = 50;

    @TempDir
    Path dir;

    @Test
    void queriesThroughTheReplicaSeeWholeCommitsThatOnlyMoveForward() throws Exception {
        TableSchema schema = TableSchema.builder(T).key("sku", ColumnType.TEXT).column("version", ColumnType.INT64).build();
        StorageConfig writerConfig = new StorageConfig(dir.toString(), 4, 1000, 0.5, java.time.Duration.ofSeconds(60), null, null);
        AtomicLong committedVersion = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        try (RootAllocator root = new RootAllocator(); TableStorage writer = writerConfig.open(root)) {
            writer.ensureTable(schema, 1);
            commit(writer, schema, 0, 2);
            int pgPort = LocalResources.freePort();
            Settings settings = Settings.of(Map.of("storage.uri", dir.toString(), "server.port", "0", "server.pg-port", String.valueOf(pgPort),
                    "server.auth", "none", "metrics.port", "0", "replica.refresh-interval", "50ms"));
            try (QueryReplica replica = QueryReplica.start(settings)) {
                Thread writes = new Thread(() -> {
                    try {
                        long seq = 2 + ROWS;
                        for (long v = 1; !stop.get() && v <= 200; v++) {
                            commit(writer, schema, v, seq + 1);
                            seq += ROWS;
                            committedVersion.set(v);
                            Thread.sleep(10);
                        }
                    } catch (Throwable t) {
                        writerFailure.set(t);
                    }
                }, "writer");
                writes.start();
                long lastSeen = -1;
                int answers = 0;
                List<Long> distinct = new ArrayList<>();
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/rhei?user=rhei&sslmode=disable");
                     Statement st = c.createStatement()) {
                    while (writes.isAlive() || answers == 0) {
                        try (ResultSet rs = st.executeQuery("SELECT min(version), max(version), count(*) FROM shop.stock")) {
                            rs.next();
                            assertEquals(rs.getLong(1), rs.getLong(2), "one answer, one commit");
                            assertEquals(ROWS, rs.getLong(3));
                            assertTrue(rs.getLong(1) >= lastSeen, "went back from version " + lastSeen + " to " + rs.getLong(1));
                            if (rs.getLong(1) > lastSeen) {
                                distinct.add(rs.getLong(1));
                            }
                            lastSeen = rs.getLong(1);
                            answers++;
                        }
                    }
                    writes.join();
                    if (writerFailure.get() != null) {
                        throw new AssertionError("the writer failed", writerFailure.get());
                    }
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (lastSeen < committedVersion.get() && System.nanoTime() < deadline) {
                        try (ResultSet rs = st.executeQuery("SELECT max(version) FROM shop.stock")) {
                            rs.next();
                            lastSeen = rs.getLong(1);
                        }
                        Thread.sleep(50);
                    }
                }
                assertEquals(committedVersion.get(), lastSeen, "the replica caught up with the writer's last commit");
                assertTrue(distinct.size() >= 5, "the replica followed several commits while answering: " + distinct);
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.metricsPort() + "/metrics"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.contains("rhei_replica_lag_seconds{quantile=\"0.99\"}"), metrics);
                assertTrue(metrics.contains("rhei_table_applied_seq{table=\"shop.stock\"}"), metrics);
            }
        }
    }

    private static void commit(TableStorage writer, TableSchema schema, long version, long firstSeq) {
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            RowKey key = RowKey.of("sku-" + i);
            changes.add(RowChange.upsert(key, Row.of("sku-" + i, version), firstSeq + i));
        }
        writer.apply(new TableChangeBatch(schema, false, changes, firstSeq, firstSeq + ROWS - 1, ROWS));
    }
}
