package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.model.RowKey;
import io.rhei.core.schema.ArrowSchemas;
import io.rhei.core.schema.SchemaEvolution;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableChangeBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * One table as immutable data files plus deletion vectors, merge-on-read: a commit writes one new file with the
 * batch's inserted and updated rows and marks the rows they replace (and deleted rows) in the deletion vectors of
 * older files, so its cost follows the size of the change, not of the table. A primary-key index (key to file and
 * row, rebuilt from the key columns when a durable table is opened) finds the row a change replaces. Compaction
 * merges small files and drops deleted rows. Where the files live, and how a commit is made durable, is the
 * {@link TableFiles}' business.
 *
 * <p>This class holds the table's state and its commits; the jobs around them are classes of their own:
 * {@link ChangeApplier} (applying a batch), {@link RowFileWriter} (rows to a data file), {@link KeyIndexLoader} (the
 * index at open) and {@link CompactionPolicy} (which files to merge; the merge and swap are here, under the lock).
 *
 * <p>One writer (the sync engine) calls {@link #apply} and {@link #evolve}; any thread may take
 * {@link #snapshot}s. A commit is published with one volatile write after everything that can fail (including
 * the durable commit), so a failed batch changes nothing.
 */
final class MergeOnReadTable {
    private static final Logger LOG = LoggerFactory.getLogger(MergeOnReadTable.class);

    /** What readers see: replaced as a whole at every commit. */
    record State(TableSchema schema, long appliedSeq, List<Segment> segments) {
    }

    final BufferAllocator allocator;
    private final StorageConfig config;
    final TableFiles files;
    final KeyIndex index;
    /** Held by every change to the table's state and index: the sync's commits and compaction's swap-in. */
    private final ReentrantLock writeLock = new ReentrantLock();
    volatile State state;
    private long nextFileId;

    /** A new, empty table; nothing is stored until the first commit. */
    static MergeOnReadTable create(TableSchema schema, long seq, BufferAllocator allocator, StorageConfig config, TableFiles files) {
        MergeOnReadTable t = new MergeOnReadTable(allocator, config, files, new State(schema, seq, List.of()), 1);
        t.commitAndPublish(schema, seq, List.of());
        return t;
    }

    /**
     * A table opened from its last commit; a writable one rebuilds the key index from the files' key columns (a
     * read-only one needs none and refuses changes).
     */
    static MergeOnReadTable open(TableFiles.TableCommit committed, BufferAllocator allocator, StorageConfig config, TableFiles files,
                                 boolean writable) {
        MergeOnReadTable t = new MergeOnReadTable(allocator, config, files,
                new State(committed.schema(), committed.appliedSeq(), committed.segments()), committed.nextFileId());
        if (writable) {
            for (Segment s : committed.segments()) {
                new KeyIndexLoader(t.index, t.files, allocator).load(s, committed.schema());
            }
        }
        return t;
    }

    private MergeOnReadTable(BufferAllocator allocator, StorageConfig config, TableFiles files, State state, long nextFileId) {
        this.allocator = allocator;
        this.config = config;
        this.files = files;
        this.state = state;
        this.nextFileId = nextFileId;
        this.index = KeyIndex.forSchema(state.schema(), new StoredKeyReader(() -> this.state, allocator));
    }

    TableSchema schema() {
        return state.schema();
    }

    long appliedSeq() {
        return state.appliedSeq();
    }

    /** A new schema version: old files stay as written and are projected when read. */
    void evolve(TableSchema next, long seq) {
        writeLock.lock();
        try {
            evolveLocked(next, seq);
        } finally {
            writeLock.unlock();
        }
    }

    private void evolveLocked(TableSchema next, long seq) {
        State s = state;
        SchemaEvolution.between(s.schema(), next); // throws SchemaException naming the table and columns when refused
        commitAndPublish(next, Math.max(seq, s.appliedSeq()), s.segments());
        LOG.info("table {} now at schema version {}", next.table(), next.version());
    }

    TableSnapshot snapshot() {
        while (true) {
            State s = state;
            List<Segment> taken = new ArrayList<>(s.segments().size());
            boolean ok = true;
            for (Segment seg : s.segments()) {
                if (seg.file().acquire()) {
                    taken.add(seg);
                } else {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                return new TableSnapshot(s.schema(), s.appliedSeq(), List.copyOf(taken));
            }
            taken.forEach(seg -> seg.file().release()); // a commit freed a file meanwhile: read the newer state
        }
    }

    /** Applies one batch; returns whether the table now has more files than compaction allows. */
    boolean apply(TableChangeBatch batch) {
        writeLock.lock();
        try {
            new ChangeApplier(this).applyLocked(batch);
            return state.segments().size() > config.compactionMaxFiles();
        } finally {
            writeLock.unlock();
        }
    }


    /** Commits and publishes; if that fails, the new file (never referenced) is given back and the table is unchanged. */
    void commitOrDiscard(TableSchema schema, long appliedSeq, List<Segment> next, DataFile file) {
        try {
            commitAndPublish(schema, appliedSeq, next);
        } catch (RuntimeException e) {
            if (file != null) {
                file.retire();
                file.release();
            }
            throw e;
        }
    }

    /** Commits durably (where the files are durable), then makes the new state what readers see. */
    void commitAndPublish(TableSchema schema, long appliedSeq, List<Segment> segments) {
        long next;
        synchronized (this) {
            next = nextFileId;
        }
        List<Segment> committed = files.commit(new TableFiles.TableCommit(schema, appliedSeq, next, List.copyOf(segments)));
        state = new State(schema, appliedSeq, List.copyOf(committed));
    }

    static void drop(List<DataFile> dropped) {
        for (DataFile f : dropped) {
            f.retire();
            f.release();
        }
    }



    synchronized long takeFileId() {
        if (nextFileId >= Integer.MAX_VALUE) {
            throw new RheiException("table " + state.schema().table() + " has used up its file ids; rebuild it with rhei replay");
        }
        return nextFileId++;
    }

    static long location(long fileId, int row) {
        return (fileId << 32) | (row & 0xffffffffL);
    }



    /**
     * Merges small files of similar size and rewrites files that are mostly deleted, into one new file
     * ({@link CompactionPolicy}), without holding up the sync: the files are chosen and pinned under the write
     * lock, read and merged and written without it, and swapped in under it again. Rows deleted or replaced
     * meanwhile are carried over as the new file's deletion vector, and index entries move to the new file only
     * where they still point at the row that was merged. Readers keep their snapshots throughout.
     *
     * @return whether a compaction was made
     */
    boolean compact() {
        List<Segment> chosen;
        TableSchema schema;
        writeLock.lock();
        try {
            State s = state;
            chosen = new CompactionPolicy(config).choose(s.segments());
            if (chosen.isEmpty()) {
                return false;
            }
            for (Segment seg : chosen) {
                if (!seg.file().acquire()) {
                    throw new IllegalStateException("a live file of " + s.schema().table() + " was already freed");
                }
            }
            schema = s.schema();
        } finally {
            writeLock.unlock();
        }
        try {
            return mergeAndSwap(chosen, schema);
        } finally {
            chosen.forEach(seg -> seg.file().release());
        }
    }

    private boolean mergeAndSwap(List<Segment> chosen, TableSchema schema) {
        long t0 = System.nanoTime();
        int total = (int) chosen.stream().mapToLong(Segment::liveRows).sum();
        long[] from = new long[total]; // the location each merged row had
        RowKey[] keys = new RowKey[total];
        VectorSchemaRoot merged = VectorSchemaRoot.create(ArrowSchemas.schema(schema), allocator);
        try {
            for (FieldVector v : merged.getFieldVectors()) {
                v.setInitialCapacity(total);
                v.allocateNew();
            }
            int out = 0;
            for (Segment seg : chosen) {
                org.roaringbitmap.IntIterator live = liveRows(seg);
                try (BatchStream parts = TableSnapshot.read(seg, schema.columns(), ScanFilter.ALL, allocator)) {
                    while (parts.hasNext()) {
                        try (VectorSchemaRoot part = parts.next()) {
                            for (int c = 0; c < schema.columnCount(); c++) {
                                FieldVector to = merged.getVector(c);
                                FieldVector fromVector = part.getVector(c);
                                for (int r = 0; r < part.getRowCount(); r++) {
                                    to.copyFromSafe(r, out + r, fromVector);
                                }
                            }
                            for (int r = 0; r < part.getRowCount(); r++) {
                                from[out + r] = location(seg.file().id(), live.next());
                            }
                            out += part.getRowCount();
                        }
                    }
                }
            }
            merged.setRowCount(out);
            int[] keyPos = schema.hasPrimaryKey() ? schema.keyPositions() : IntStream.range(0, schema.columnCount()).toArray();
            for (int r = 0; r < out; r++) {
                Object[] key = new Object[keyPos.length];
                for (int k = 0; k < keyPos.length; k++) {
                    key[k] = ArrowValues.get(merged.getVector(keyPos[k]), r, schema.column(keyPos[k]).type());
                }
                keys[r] = RowKey.wrap(key);
            }
        } catch (RuntimeException e) {
            merged.close();
            throw e;
        }
        DataFile file = files.write(takeFileId(), schema, merged);
        writeLock.lock();
        try {
            State now = state;
            List<Segment> next = new ArrayList<>(now.segments().size());
            RoaringBitmap deletedSince = new RoaringBitmap();
            int start = 0;
            for (Segment old : chosen) {
                Segment current = now.segments().stream().filter(seg -> seg.file() == old.file()).findFirst().orElse(null);
                if (current == null) { // truncated, or the file emptied by deletes: the merged rows are stale
                    file.retire();
                    file.release();
                    return false;
                }
                RoaringBitmap newer = RoaringBitmap.andNot(current.deleted(), old.deleted());
                for (int row : newer) {
                    deletedSince.add(start + row - (int) old.deleted().rank(row));
                }
                start += old.liveRows();
            }
            for (Segment seg : now.segments()) {
                if (chosen.stream().noneMatch(c -> c.file() == seg.file())) {
                    next.add(seg);
                }
            }
            next.add(new Segment(file, deletedSince, null));
            try {
                commitAndPublish(now.schema(), now.appliedSeq(), next);
            } catch (RuntimeException e) {
                file.retire();
                file.release();
                LOG.warn("compaction of {} could not commit; the table keeps its files: {}", schema.table(), e.getMessage());
                return false;
            }
            for (int r = 0; r < keys.length; r++) {
                index.replace(keys[r], from[r], location(file.id(), r)); // only where it still points at the merged row
            }
            drop(chosen.stream().map(Segment::file).toList());
        } finally {
            writeLock.unlock();
        }
        LOG.debug("compacted {} files of {} into one of {} rows in {} ms", chosen.size(), schema.table(), total,
                (System.nanoTime() - t0) / 1_000_000);
        return true;
    }

    /** The rows of a segment's file not in its deletion vector, in order (the order reads return them in). */
    private static org.roaringbitmap.IntIterator liveRows(Segment seg) {
        RoaringBitmap all = new RoaringBitmap();
        all.add(0L, seg.file().rowCount());
        all.andNot(seg.deleted());
        return all.getIntIterator();
    }

    boolean needsCompaction() {
        return state.segments().size() > config.compactionMaxFiles();
    }

    int fileCount() {
        return state.segments().size();
    }

    void close() {
        writeLock.lock();
        try {
            closeLocked();
        } finally {
            writeLock.unlock();
        }
    }

    private void closeLocked() {
        State s = state;
        state = new State(s.schema(), s.appliedSeq(), List.of());
        s.segments().forEach(seg -> seg.file().release());
        index.clear();
        files.close();
    }
}
