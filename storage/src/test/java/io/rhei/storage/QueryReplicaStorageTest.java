package io.rhei.storage;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A query replica (issue 20): storage opened read-only on the directory a writer commits to, following it by
 * {@link VortexStorage#refresh()}. Every state it serves is exactly one committed state, it never goes backwards, a
 * table created later appears, and a snapshot taken before the writer compacted still reads (within storage.gc.grace).
 */
class QueryReplicaStorageTest {
    private static final TableId T = TableId.parse("shop.stock");
    private static final TableSchema SCHEMA = TableSchema.builder(T).key("sku", ColumnType.TEXT).column("qty", ColumnType.INT32).build();

    @TempDir
    Path dir;

    private StorageConfig config() {
        // compaction often (4 files), the default grace for retired files
        return new StorageConfig(dir.toString(), 4, 1000, 0.5, Duration.ofSeconds(60), null, null);
    }

    @Test
    void aReplicaServesOnlyCommittedStatesAndNeverGoesBackwards() throws Exception {
        Map<Long, Map<RowKey, Row>> committed = new ConcurrentHashMap<>(); // applied sequence -> the table's rows then
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        try (RootAllocator root = new RootAllocator(); TableStorage writer = config().open(root)) {
            writer.ensureTable(SCHEMA, 1);
            committed.put(1L, Map.of());
            Thread writes = new Thread(() -> {
                Random rnd = new Random(20);
                Map<RowKey, Row> model = new HashMap<>();
                long seq = 1;
                try {
                    for (int batch = 0; batch < 150; batch++) {
                        List<RowChange> changes = new ArrayList<>();
                        Map<RowKey, Boolean> seen = new HashMap<>();
                        for (int i = 0; i < 20; i++) {
                            RowKey key = RowKey.of("sku-" + rnd.nextInt(100));
                            if (seen.put(key, true) != null) {
                                continue;
                            }
                            seq++;
                            if (rnd.nextInt(4) == 0) {
                                changes.add(RowChange.delete(key, seq));
                                model.remove(key);
                            } else {
                                Row row = Row.of(key.get(0), rnd.nextInt(1000));
                                changes.add(RowChange.upsert(key, row, seq));
                                model.put(key, row);
                            }
                        }
                        committed.put(seq, Map.copyOf(model)); // before the commit: a reader may see it at once
                        writer.apply(new TableChangeBatch(SCHEMA, false, changes, seq - changes.size() + 1, seq, changes.size()));
                        if (batch == 75) {
                            writer.ensureTable(TableSchema.builder(TableId.parse("shop.later")).key("id", ColumnType.INT64).build(), ++seq);
                        }
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                } finally {
                    done.set(true);
                }
            }, "writer");
            try (RootAllocator replicaRoot = new RootAllocator(); TableStorage replica = config().openReadOnly(replicaRoot)) {
                writes.start();
                long last = 0;
                int states = 0;
                TableSnapshot held = null;
                Map<RowKey, Row> heldRows = null;
                while (!done.get() || states == 0) {
                    ((VortexStorage) replica).refresh();
                    try (TableSnapshot s = replica.snapshot(T)) {
                        long seq = s.appliedSeq();
                        assertTrue(seq >= last, "the replica went back from " + last + " to " + seq);
                        Map<RowKey, Row> rows = TableStorageContract.rows(s, replicaRoot);
                        assertEquals(committed.get(seq), rows, "the replica at sequence " + seq + " serves exactly that commit");
                        if (seq > last) {
                            states++;
                        }
                        last = seq;
                    }
                    if (held == null && last > 100) { // a slow reader: holds a snapshot while the writer commits and compacts
                        held = replica.snapshot(T);
                        heldRows = committed.get(held.appliedSeq());
                    }
                }
                writes.join();
                if (writerFailure.get() != null) {
                    throw new AssertionError("the writer failed", writerFailure.get());
                }
                ((VortexStorage) replica).refresh();
                assertEquals(writer.appliedSeq(T), replica.appliedSeq(T), "caught up with the writer");
                assertTrue(replica.tables().contains(TableId.parse("shop.later")), "a table created later appears");
                assertTrue(states >= 5, "the replica followed through several commits: " + states);
                assertTrue(held != null);
                assertEquals(heldRows, TableStorageContract.rows(held, replicaRoot), "a snapshot held across compactions still reads");
                held.close();
            }
        }
    }
}
