package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.storage.objectstore.LocalObjectStore;
import io.rhei.storage.objectstore.ObjectStore.ObjectInfo;
import io.rhei.storage.objectstore.ObjectStore;
import io.rhei.storage.objectstore.ObjectStoreException;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A manifest write that lands while its answer is lost (the object store stopped as it answered: found by
 * SidecarFaultsTest, whose sync then stopped for good on "manifest 15 already exists"). The next commit, made again
 * from the last confirmed version and the changes since, follows the landed one; a version another writer took still
 * fails the commit.
 */
class ManifestWriteWithoutAnswerTest {
    private static final TableSchema SCHEMA = TableSchema.builder(TableId.parse("shop.items")).key("id", ColumnType.INT64)
            .column("price", ColumnType.INT32).build();

    @TempDir
    Path dir;

    /** Writes the next manifest, then fails as a connection reset would: the caller never hears that it landed. */
    private static final class AnswerLost implements ObjectStore {
        private final ObjectStore store;
        boolean armed;

        AnswerLost(ObjectStore store) {
            this.store = store;
        }

        @Override
        public void putIfAbsent(String key, byte[] bytes) {
            store.putIfAbsent(key, bytes);
            if (armed && key.endsWith(".manifest")) {
                armed = false;
                throw new ObjectStoreException("cannot write " + key + ": Connection reset", null);
            }
        }

        @Override
        public void put(String key, byte[] bytes) {
            store.put(key, bytes);
        }

        @Override
        public byte[] get(String key) {
            return store.get(key);
        }

        @Override
        public List<ObjectInfo> list(String prefix) {
            return store.list(prefix);
        }

        @Override
        public void delete(String key) {
            store.delete(key);
        }

        @Override
        public String vortexUri(String key) {
            return store.vortexUri(key);
        }

        @Override
        public Map<String, String> vortexOptions() {
            return store.vortexOptions();
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    private StorageConfig config() {
        return new StorageConfig(dir.toString(), 16, 1_000_000, 0.5, Duration.ofSeconds(60), null, null);
    }

    private static TableChangeBatch batch(long firstSeq, Map<Long, Integer> prices, Map<RowKey, Row> model) {
        List<RowChange> changes = new ArrayList<>();
        long seq = firstSeq;
        for (Map.Entry<Long, Integer> e : prices.entrySet()) {
            Row row = Row.of(e.getKey(), e.getValue());
            changes.add(RowChange.upsert(SCHEMA.keyOf(row), row, seq++));
            model.put(SCHEMA.keyOf(row), row);
        }
        return new TableChangeBatch(SCHEMA, false, changes, firstSeq, seq - 1, changes.size());
    }

    @Test
    void theNextCommitFollowsAnOwnCommitThatLandedWithoutAnAnswer() throws Exception {
        Map<RowKey, Row> model = new HashMap<>();
        try (RootAllocator root = new RootAllocator()) {
            AnswerLost store = new AnswerLost(new LocalObjectStore(dir));
            try (VortexStorage storage = new VortexStorage(root, config(), store)) {
                storage.ensureTable(SCHEMA, 1);
                storage.apply(batch(2, Map.of(1L, 10, 2L, 20), model));
                store.armed = true;
                Map<RowKey, Row> ignored = new HashMap<>(model);
                RheiException lost = assertThrows(RheiException.class, () -> storage.apply(batch(4, Map.of(1L, 11, 3L, 30), ignored)));
                assertTrue(lost.getMessage().contains("the table stays at its last commit"), lost.getMessage());
                // the sync re-reads what the table had not confirmed, and more
                storage.apply(batch(4, Map.of(1L, 11, 3L, 30, 4L, 40), model));
                assertEquals(6, storage.appliedSeq(SCHEMA.table()));
            }
            try (VortexStorage reopened = new VortexStorage(root, config(), new LocalObjectStore(dir));
                 TableSnapshot snap = reopened.snapshot(SCHEMA.table())) {
                assertEquals(6, reopened.appliedSeq(SCHEMA.table()));
                assertEquals(model, TableStorageContract.rows(snap, root));
            }
        }
    }

    @Test
    void aVersionAnotherWriterTookStillFailsTheCommit() throws Exception {
        Map<RowKey, Row> model = new HashMap<>();
        try (RootAllocator root = new RootAllocator();
             VortexStorage storage = new VortexStorage(root, config(), new LocalObjectStore(dir))) {
            storage.ensureTable(SCHEMA, 1);
            storage.apply(batch(2, Map.of(1L, 10), model));
            LocalObjectStore other = new LocalObjectStore(dir);
            String manifests = VortexTableFiles.directoryOf(SCHEMA.table()) + "manifests/";
            long last = other.list(manifests).stream().map(o -> o.key().substring(o.key().lastIndexOf('/') + 1))
                    .filter(k -> k.endsWith(".manifest")).mapToLong(k -> Long.parseLong(k.substring(0, 20))).max().orElseThrow();
            other.putIfAbsent(manifests + String.format("%020d", last + 1) + ".manifest", new byte[] {1, 2, 3});
            RheiException taken = assertThrows(RheiException.class, () -> storage.apply(batch(3, Map.of(2L, 20), model)));
            assertTrue(taken.getMessage().contains("already exists"), taken.getMessage());
        }
    }
}
