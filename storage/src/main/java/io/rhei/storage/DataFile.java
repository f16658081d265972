package io.rhei.storage;

import io.rhei.core.schema.TableSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.roaringbitmap.RoaringBitmap;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One immutable file of rows as written by one commit (or one compaction), in the table schema of that moment:
 * Arrow batches in memory ({@link ArrowDataFile}) or a Vortex file ({@link VortexDataFile}).
 *
 * <p>Reference counted: the table holds one reference while the file is part of its current state, and every
 * open {@link TableSnapshot} holds one. A file the table dropped is {@linkplain #retire() retired}; its storage
 * is given back ({@link #free}) when the last reference goes, so readers never lose a file under them.
 */
abstract class DataFile {
    private final long id;
    private final TableSchema schema;
    private final int rowCount;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile boolean retired;

    DataFile(long id, TableSchema schema, int rowCount) {
        this.id = id;
        this.schema = schema;
        this.rowCount = rowCount;
    }

    final long id() {
        return id;
    }

    final TableSchema schema() {
        return schema;
    }

    final int rowCount() {
        return rowCount;
    }

    /**
     * The rows not in {@code deleted}, with only the named columns (in this file's types and that order), batch
     * by batch; each batch belongs to the caller. {@code filter} is a hint: rows it rejects may be left out.
     */
    abstract BatchStream read(List<String> columns, RoaringBitmap deleted, ScanFilter filter, BufferAllocator allocator);

    /** False when no row of the file satisfies {@code filter}, so that a scan with it skips the file; true when unknown. */
    boolean mayMatch(ScanFilter filter) {
        return true;
    }

    /** Whether {@link #read} decodes the file (worth spreading over threads), rather than handing over batches in memory. */
    boolean decodesOnRead() {
        return false;
    }

    /** The stored value of one cell, for updates that leave TOASTed columns unchanged. */
    abstract Object value(int row, int position, BufferAllocator allocator);

    /**
     * The stored values of some cells: for each of {@code rows}, the columns at {@code positions} (-1: null), in that
     * order. One cell at a time here; a file that reads more cheaply together overrides it.
     */
    Object[][] values(int[] rows, int[] positions, BufferAllocator allocator) {
        Object[][] out = new Object[rows.length][positions.length];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < positions.length; k++) {
                out[i][k] = positions[k] < 0 ? null : value(rows[i], positions[k], allocator);
            }
        }
        return out;
    }

    /** Bytes the file takes where it lives (memory or disk/object storage). */
    abstract long bytes();

    /** Gives the file's storage back: called once, when a retired file's last reference is released, or at close. */
    protected abstract void free(boolean retired);

    /** The table no longer uses this file: its storage may go once no snapshot reads it. */
    final void retire() {
        retired = true;
    }

    /** Takes a reference; false when the file was already freed (the caller re-reads the table state). */
    final boolean acquire() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    final void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            free(retired);
        } else if (r < 0) {
            throw new IllegalStateException("data file " + id + " released more often than acquired");
        }
    }
}
