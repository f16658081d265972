package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.model.Unchanged;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every storage mode must do, run against memory ({@link InMemoryStorageTest}), a local directory
 * ({@link LocalVortexStorageTest}) and S3 ({@link S3VortexStorageTest}). Durable modes are also closed and
 * reopened along the way: the reopened table must be exactly the last commit.
 */
abstract class TableStorageContract {
    private static final TableId T = TableId.parse("shop.items");
    protected BufferAllocator root;
    protected TableStorage storage;
    private long seq;

    /** Opens the storage under test (again, for durable modes: the same location). */
    protected abstract TableStorage open(BufferAllocator allocator, StorageConfig config);

    protected abstract boolean durable();

    protected StorageConfig config() {
        return new StorageConfig("memory:", 4, 1000, 0.5);
    }

    @BeforeEach
    void openStorage() {
        root = new RootAllocator();
        storage = open(root, config());
    }

    @AfterEach
    void closeStorage() {
        storage.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    /** Closes and opens again (durable modes); the caller checks the state survived. */
    protected void reopen() {
        storage.close();
        storage = open(root, config());
    }

    private int fileCount() {
        return ((MergeOnReadStorage) storage).fileCount(T);
    }

    static Map<RowKey, Row> rows(TableSnapshot snap, BufferAllocator allocator) {
        TableSchema schema = snap.schema();
        List<String> names = schema.columns().stream().map(Column::name).toList();
        Map<RowKey, Row> out = new HashMap<>();
        for (Iterator<VectorSchemaRoot> it = snap.scan(names, allocator); it.hasNext(); ) {
            try (VectorSchemaRoot b = it.next()) {
                for (int r = 0; r < b.getRowCount(); r++) {
                    Object[] v = new Object[names.size()];
                    for (int c = 0; c < v.length; c++) {
                        v[c] = ArrowValues.get(b.getVector(c), r, schema.column(c).type());
                    }
                    Row row = Row.wrap(v);
                    Row previous = out.put(schema.keyOf(row), row);
                    assertEquals(null, previous, "key " + schema.keyOf(row) + " appears twice in one snapshot");
                }
            }
        }
        return out;
    }

    private Map<RowKey, Row> current() {
        try (TableSnapshot s = storage.snapshot(T)) {
            return rows(s, root);
        }
    }

    private TableChangeBatch batch(TableSchema schema, boolean truncate, List<RowChange> changes) {
        long first = seq + 1;
        seq += Math.max(1, changes.size());
        return new TableChangeBatch(schema, truncate, changes, first, seq, changes.size());
    }

    @Test
    void everyTypeWithNullsRoundTrips() {
        TableSchema schema = TableSchema.builder(T).key("id", ColumnType.INT64).column("b", ColumnType.BOOLEAN)
                .column("i2", ColumnType.INT16).column("i4", ColumnType.INT32).column("f4", ColumnType.FLOAT32)
                .column("f8", ColumnType.FLOAT64).column("n", ColumnType.decimal(20, 6)).column("t", ColumnType.TEXT)
                .column("by", ColumnType.BYTES).column("d", ColumnType.DATE).column("tm", ColumnType.TIME)
                .column("ts", ColumnType.TIMESTAMP).column("tz", ColumnType.TIMESTAMPTZ).column("u", ColumnType.UUID)
                .column("j", ColumnType.JSON).build();
        storage.ensureTable(schema, 1);
        Row full = Row.of(1L, true, (short) -32768, Integer.MAX_VALUE, 1.5f, -1e-300, new BigDecimal("12345678901234.123456"),
                "ünïcødé ✓ 𝄞 " + "x".repeat(100_000), new byte[]{0, -1, 127, -128}, LocalDate.of(2024, 2, 29),
                LocalTime.of(23, 59, 59, 999_999_000), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 123_456_000),
                Instant.parse("2026-11-25T06:00:00.654321Z"), UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), "{\"a\": [1, 2]}");
        Object[] nulls = new Object[schema.columnCount()];
        nulls[0] = 2L;
        Row empty = Row.wrap(nulls);
        storage.apply(batch(schema, false, List.of(RowChange.upsert(RowKey.of(1L), full, 2), RowChange.upsert(RowKey.of(2L), empty, 3))));
        Map<RowKey, Row> got = current();
        assertEquals(Map.of(RowKey.of(1L), full, RowKey.of(2L), empty), got);
        if (durable()) {
            reopen();
            assertEquals(Map.of(RowKey.of(1L), full, RowKey.of(2L), empty), current());
            assertEquals(seq, storage.appliedSeq(T));
            assertEquals(schema, storage.schema(T).orElseThrow());
        }
    }

    @Test
    void randomBatchesMatchAModelThroughUpsertsDeletesToastTruncatesEvolutionAndCompaction() {
        randomBatchesMatchAModel(false);
    }

    /** The same with a text key: the fingerprint index, whose lookups check the keys stored in the files. */
    @Test
    void randomBatchesOfATextKeyedTableMatchAModel() {
        randomBatchesMatchAModel(true);
    }

    private void randomBatchesMatchAModel(boolean textKey) {
        Random rnd = new Random(11);
        TableSchema schema = TableSchema.builder(T).key("id", textKey ? ColumnType.TEXT : ColumnType.INT32).column("qty", ColumnType.INT16)
                .column("note", ColumnType.TEXT).build();
        storage.ensureTable(schema, 0);
        Map<RowKey, Row> model = new HashMap<>();
        for (int round = 0; round < 400; round++) {
            if (round == 150) { // add a column, widen qty: old files are projected, never rewritten
                List<Column> cols = new ArrayList<>(schema.columns());
                cols.set(1, new Column("qty", ColumnType.INT64, true, null));
                cols.add(new Column("price", ColumnType.decimal(10, 2), true, null));
                TableSchema next = schema.evolve(cols);
                storage.ensureTable(next, ++seq);
                Map<RowKey, Row> widened = new HashMap<>();
                model.forEach((k, r) -> widened.put(k, Row.of(r.get(0), r.get(1) == null ? null : ((Number) r.get(1)).longValue(), r.get(2), null)));
                model = widened;
                schema = next;
            }
            if (rnd.nextInt(60) == 0) {
                storage.apply(batch(schema, true, List.of()));
                model.clear();
                continue;
            }
            Map<RowKey, RowChange> changes = new HashMap<>();
            int n = 1 + rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                Object id = textKey ? "sku-" + rnd.nextInt(300) : (Object) rnd.nextInt(300);
                RowKey key = RowKey.of(id);
                int kind = rnd.nextInt(10);
                if (kind < 2) {
                    changes.put(key, RowChange.delete(key, seq + 1));
                } else {
                    Object qty = rnd.nextInt(8) == 0 ? null : (schema.version() == 1 ? (Object) (short) rnd.nextInt(1000) : (Object) (long) rnd.nextInt(1000));
                    boolean toast = kind < 4 && model.containsKey(key) && !changes.containsKey(key);
                    Object note = toast ? Unchanged.VALUE : "n" + rnd.nextInt(50);
                    Row row = schema.version() == 1 ? Row.of(id, qty, note) : Row.of(id, qty, note, BigDecimal.valueOf(rnd.nextInt(10000), 2));
                    changes.put(key, RowChange.upsert(key, row, seq + 1));
                }
            }
            // model
            for (RowChange c : changes.values()) {
                if (c.kind() == RowChange.Kind.DELETE) {
                    model.remove(c.key());
                } else {
                    model.put(c.key(), c.row().hasUnchanged() ? c.row().fillUnchangedFrom(model.get(c.key())) : c.row());
                }
            }
            TableSnapshot before = storage.snapshot(T);
            Map<RowKey, Row> beforeRows = rows(before, root);
            storage.apply(batch(schema, false, new ArrayList<>(changes.values())));
            assertEquals(beforeRows, rows(before, root), "a snapshot never changes under a commit or compaction");
            before.close();
            assertEquals(model, current(), "after round " + round);
            assertEquals(seq, storage.appliedSeq(T));
            // size-tiered compaction: past max-files (4) at most a few files per size tier
            ((MergeOnReadStorage) storage).awaitCompactions(); // compaction runs in the background
            assertTrue(fileCount() <= 8, () -> {
                try (TableSnapshot snap = storage.snapshot(T)) {
                    return "compaction keeps the file count bounded: " + snap.describeFiles();
                }
            });
            if (durable() && round % 37 == 36) { // the reopened table (files, deletion vectors, key index) is the last commit
                reopen();
                assertEquals(model, current(), "after reopening at round " + round);
                assertEquals(seq, storage.appliedSeq(T));
                assertEquals(schema, storage.schema(T).orElseThrow());
            }
        }
    }

    @Test
    void readersSeeExactlyACommittedStateWhileWritesAndBackgroundCompactionRun() throws Exception {
        TableSchema schema = TableSchema.builder(T).key("id", ColumnType.INT64).column("v", ColumnType.INT64).build();
        storage.ensureTable(schema, 0);
        Map<Long, Map<RowKey, Row>> committed = new java.util.concurrent.ConcurrentHashMap<>();
        committed.put(0L, Map.of());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong checks = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread reader = new Thread(() -> {
                try {
                    while (!done.get()) {
                        try (TableSnapshot snap = storage.snapshot(T)) {
                            Map<RowKey, Row> expected = committed.get(snap.appliedSeq());
                            assertTrue(expected != null, "snapshot at sequence " + snap.appliedSeq() + " was never committed");
                            assertEquals(expected, rows(snap, root), "snapshot at sequence " + snap.appliedSeq());
                            checks.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            reader.start();
            readers.add(reader);
        }
        Random rnd = new Random(3);
        Map<RowKey, Row> model = new HashMap<>();
        try {
            for (int b = 0; b < 250 && failure.get() == null; b++) {
                Map<RowKey, RowChange> changes = new HashMap<>();
                for (int i = 0; i < 1 + rnd.nextInt(30); i++) {
                    long id = rnd.nextInt(400);
                    RowKey key = RowKey.of(id);
                    changes.put(key, rnd.nextInt(5) == 0 ? RowChange.delete(key, seq + 1) : RowChange.upsert(key, Row.of(id, (long) b), seq + 1));
                }
                for (RowChange c : changes.values()) {
                    if (c.kind() == RowChange.Kind.DELETE) {
                        model.remove(c.key());
                    } else {
                        model.put(c.key(), c.row());
                    }
                }
                TableChangeBatch batch = batch(schema, false, new ArrayList<>(changes.values()));
                committed.put(batch.lastSeq(), Map.copyOf(model)); // before the commit: a reader may see it at once
                storage.apply(batch);
            }
        } finally {
            done.set(true);
            for (Thread r : readers) {
                r.join();
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("a reader saw an inconsistent snapshot", failure.get());
        }
        assertTrue(checks.get() > 10, "readers checked snapshots: " + checks.get());
        ((MergeOnReadStorage) storage).awaitCompactions();
        assertEquals(model, current());
        assertTrue(fileCount() <= 8, "background compaction kept up: " + fileCount());
    }

    /** Rows of a scan of a keyless table, as a multiset: each distinct row with its number of copies. */
    private Map<Row, Integer> copies() {
        Map<Row, Integer> out = new HashMap<>();
        try (TableSnapshot snap = storage.snapshot(T)) {
            TableSchema schema = snap.schema();
            List<String> names = schema.columns().stream().map(Column::name).toList();
            for (Iterator<VectorSchemaRoot> it = snap.scan(names, root); it.hasNext(); ) {
                try (VectorSchemaRoot b = it.next()) {
                    for (int r = 0; r < b.getRowCount(); r++) {
                        Object[] v = new Object[names.size()];
                        for (int c = 0; c < v.length; c++) {
                            v[c] = ArrowValues.get(b.getVector(c), r, schema.column(c).type());
                        }
                        out.merge(Row.wrap(v), 1, Integer::sum);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void keylessTableHoldsIdenticalRowsAndDeletesOneCopyAtATime() {
        TableSchema schema = TableSchema.builder(T).column("sku", ColumnType.TEXT).column("qty", ColumnType.INT32)
                .column("price", ColumnType.decimal(10, 2)).build();
        storage.ensureTable(schema, 0);
        Random rnd = new Random(17);
        Map<Row, Integer> model = new HashMap<>();
        for (int round = 0; round < 120; round++) {
            List<RowChange> changes = new ArrayList<>();
            Map<Row, Integer> after = new HashMap<>(model);
            for (int i = 0; i < 1 + rnd.nextInt(12); i++) {
                int q = rnd.nextInt(3);
                Row row = Row.of("sku" + rnd.nextInt(6), q, BigDecimal.valueOf(q * 10, 1).setScale(2)); // few distinct rows: many copies
                if (rnd.nextInt(3) > 0 || after.getOrDefault(row, 0) == 0) {
                    changes.add(RowChange.insert(row, seq + 1));
                    after.merge(row, 1, Integer::sum);
                } else {
                    // the old row as PostgreSQL may send it: the same price with another scale (2.0 for 2.00)
                    Object[] old = row.toArray();
                    old[2] = ((BigDecimal) old[2]).setScale(1);
                    changes.add(RowChange.delete(RowKey.wrap(old), seq + 1));
                    after.merge(row, -1, Integer::sum);
                    after.remove(row, 0);
                }
            }
            storage.apply(batch(schema, false, changes));
            model = after;
            assertEquals(model, copies(), "after round " + round);
            if (durable() && round % 40 == 39) {
                reopen(); // the whole-row index is rebuilt with one entry per copy
                assertEquals(model, copies(), "after reopening at round " + round);
            }
        }
        Row absent = Row.of("nowhere", 0, BigDecimal.ONE);
        RheiException e = assertThrows(RheiException.class,
                () -> storage.apply(batch(schema, false, List.of(RowChange.delete(RowKey.wrap(absent.toArray()), seq + 1)))));
        assertTrue(e.getMessage().contains("shop.items") && e.getMessage().contains("nowhere") && e.getMessage().contains("resync"), e.getMessage());
        assertEquals(model, copies(), "a refused batch changes nothing");
    }

    @Test
    void droppedAndAddedColumnsNeverRewriteFiles() {
        TableSchema v1 = TableSchema.builder(T).key("id", ColumnType.INT32).column("a", ColumnType.TEXT).column("b", ColumnType.INT64).build();
        storage.ensureTable(v1, 0);
        storage.apply(batch(v1, false, List.of(RowChange.upsert(RowKey.of(1), Row.of(1, "one", 10L), 1),
                RowChange.upsert(RowKey.of(2), Row.of(2, "two", 20L), 1))));
        TableSchema v2 = v1.evolve(List.of(v1.column(0), v1.column(1))); // DROP COLUMN b
        storage.ensureTable(v2, ++seq);
        List<Column> withC = new ArrayList<>(v2.columns());
        withC.add(new Column("c", ColumnType.decimal(8, 2), true, null));
        TableSchema v3 = v2.evolve(withC); // ADD COLUMN c
        storage.ensureTable(v3, ++seq);
        assertEquals(1, fileCount(), "evolution rewrote no file");
        storage.apply(batch(v3, false, List.of(RowChange.upsert(RowKey.of(2), Row.of(2, "TWO", new BigDecimal("2.50")), 3),
                RowChange.upsert(RowKey.of(3), Row.of(3, "three", null), 3))));
        Map<RowKey, Row> expected = Map.of(RowKey.of(1), Row.of(1, "one", null), RowKey.of(2), Row.of(2, "TWO", new BigDecimal("2.50")),
                RowKey.of(3), Row.of(3, "three", null));
        assertEquals(expected, current());
        if (durable()) {
            reopen();
            assertEquals(v3, storage.schema(T).orElseThrow());
            assertEquals(expected, current());
        }
    }

    @Test
    void replayedBatchIsIgnoredAndAFailedBatchChangesNothing() {
        TableSchema schema = TableSchema.builder(T).key("id", ColumnType.INT32).column("name", ColumnType.TEXT).build();
        storage.ensureTable(schema, 0);
        TableChangeBatch b = batch(schema, false, List.of(RowChange.upsert(RowKey.of(1), Row.of(1, "a"), 1)));
        storage.apply(b);
        storage.apply(b);
        assertEquals(1, current().size());
        long applied = storage.appliedSeq(T);
        TableChangeBatch bad = batch(schema, false, List.of(RowChange.upsert(RowKey.of(2), Row.of(2, "b"), 2),
                RowChange.upsert(RowKey.of(3), Row.of(3, 42), 3)));
        RheiException e = assertThrows(RheiException.class, () -> storage.apply(bad));
        assertTrue(e.getMessage().contains("shop.items") && e.getMessage().contains("name") && e.getMessage().contains("42"), e.getMessage());
        assertEquals(Map.of(RowKey.of(1), Row.of(1, "a")), current());
        assertEquals(applied, storage.appliedSeq(T));
        if (durable()) {
            reopen();
            assertEquals(Map.of(RowKey.of(1), Row.of(1, "a")), current());
            assertEquals(applied, storage.appliedSeq(T));
        }
        TableChangeBatch toastWithoutRow = batch(schema, false, List.of(RowChange.upsert(RowKey.of(9), Row.of(9, Unchanged.VALUE), 9)));
        RheiException e2 = assertThrows(RheiException.class, () -> storage.apply(toastWithoutRow));
        assertTrue(e2.getMessage().contains("(9)") || e2.getMessage().contains("9"), e2.getMessage());
    }

    /** char(n) holds n characters in every storage: padded when shorter; longer text refused, naming the column. */
    @Test
    void charValuesAreStoredPaddedAndLongerTextIsRefusedByName() {
        TableSchema schema = TableSchema.builder(T).key("id", ColumnType.INT32).column("flag", ColumnType.bpchar(2)).build();
        storage.ensureTable(schema, 0);
        storage.apply(batch(schema, false, List.of(RowChange.upsert(RowKey.of(1), Row.of(1, "a"), 1))));
        assertEquals(Map.of(RowKey.of(1), Row.of(1, "a ")), current());
        TableChangeBatch tooLong = batch(schema, false, List.of(RowChange.upsert(RowKey.of(2), Row.of(2, "abc"), 2)));
        RheiException e = assertThrows(RheiException.class, () -> storage.apply(tooLong));
        assertTrue(e.getMessage().contains("shop.items") && e.getMessage().contains("flag")
                && e.getMessage().contains("value too long for type character(2)"), e.getMessage());
        assertEquals(Map.of(RowKey.of(1), Row.of(1, "a ")), current());
    }
}
