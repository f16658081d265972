package io.rhei.storage;

import io.rhei.core.schema.TableSchema;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One immutable batch of rows as written by one commit (or one compaction), in the table schema of that moment.
 * Reference counted: the table holds one reference while the file is part of its current state, and every open
 * {@link TableSnapshot} holds one; the Arrow memory is freed when the last is released.
 */
final class DataFile {
    private final int id;
    private final TableSchema schema;
    private final VectorSchemaRoot root;
    private final AtomicInteger refs = new AtomicInteger(1);

    DataFile(int id, TableSchema schema, VectorSchemaRoot root) {
        this.id = id;
        this.schema = schema;
        this.root = root;
    }

    int id() {
        return id;
    }

    TableSchema schema() {
        return schema;
    }

    VectorSchemaRoot root() {
        return root;
    }

    int rowCount() {
        return root.getRowCount();
    }

    long bytes() {
        long b = 0;
        for (var v : root.getFieldVectors()) {
            b += v.getBufferSize();
        }
        return b;
    }

    /** Takes a reference; false when the file was already freed (the caller re-reads the table state). */
    boolean acquire() {
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

    void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            root.close();
        } else if (r < 0) {
            throw new IllegalStateException("data file " + id + " released more often than acquired");
        }
    }
}
