package org.apache.comet;

import org.apache.arrow.c.ArrowArray;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.Iterator;
import java.util.List;

/**
 * Feeds JVM Arrow batches to a native {@code Scan}. Called back on the thread running {@code executePlan}:
 * {@link #hasNext()} moves to the next batch (its row count, or -1), {@link #next} exports it through the C Data
 * Interface. The exported buffers are retained by the export; this iterator closes its own reference to each
 * batch once the next one is requested or the scan ends.
 */
public class CometBatchIterator implements AutoCloseable {
    private final Iterator<VectorSchemaRoot> input;
    private final BufferAllocator allocator;
    private VectorSchemaRoot current;
    private long rows;
    private long batches;

    public CometBatchIterator(Iterator<VectorSchemaRoot> input, BufferAllocator allocator) {
        this.input = input;
        this.allocator = allocator;
    }

    public int hasNext() {
        closeCurrent();
        if (input.hasNext()) {
            current = input.next();
            return current.getRowCount();
        }
        return -1;
    }

    public int next(long[] arrayAddrs, long[] schemaAddrs) {
        if (current == null) {
            return -1;
        }
        List<FieldVector> vectors = current.getFieldVectors();
        if (vectors.size() != arrayAddrs.length) {
            throw new IllegalStateException("the native scan expects " + arrayAddrs.length + " columns, the batch has " + vectors.size());
        }
        for (int i = 0; i < vectors.size(); i++) {
            Data.exportVector(allocator, vectors.get(i), null, ArrowArray.wrap(arrayAddrs[i]), ArrowSchema.wrap(schemaAddrs[i]));
        }
        batches++;
        rows += current.getRowCount();
        return current.getRowCount();
    }

    public boolean hasSelectionVectors() {
        return false;
    }

    public int exportSelectionIndices(long[] arrayAddrs, long[] schemaAddrs) {
        return 0;
    }

    public long rows() {
        return rows;
    }

    public long batches() {
        return batches;
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    /** Closes the current batch, and the input (or every batch the scan never asked for). */
    @Override
    public void close() {
        closeCurrent();
        closeUnread(input);
    }

    /** Closes a scan input: through its own close when it has one, else by closing every batch it still holds. */
    static void closeUnread(Iterator<VectorSchemaRoot> input) {
        if (input instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a scan input: " + e.getMessage(), e);
            }
            return;
        }
        while (input.hasNext()) {
            input.next().close();
        }
    }
}
