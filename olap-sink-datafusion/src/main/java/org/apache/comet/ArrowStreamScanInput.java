package org.apache.comet;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.Iterator;
import java.util.List;

/**
 * Feeds JVM Arrow batches to a native {@code Scan} of the 1.x ABI, which pulls an Arrow C stream
 * ({@code Data.exportArrayStream}). Each batch's buffers are transferred, not copied, into the reader's root and
 * exported from there. The schema is the first batch's (peeked when the stream is made), so an input with no
 * batches has no columns: the native side only learns it is empty.
 * Closed by the stream's release callback when the native plan drops its scan, or by the executor if it never did.
 */
public final class ArrowStreamScanInput extends ArrowReader {
    private final Iterator<VectorSchemaRoot> input;
    private final Schema schema;
    private VectorSchemaRoot peeked;
    private boolean closed;

    public ArrowStreamScanInput(Iterator<VectorSchemaRoot> input, BufferAllocator allocator) {
        super(allocator);
        this.input = input;
        this.peeked = input.hasNext() ? input.next() : null;
        this.schema = peeked != null ? peeked.getSchema() : new Schema(List.of());
    }

    @Override
    public synchronized boolean loadNextBatch() {
        VectorSchemaRoot first = peeked;
        peeked = null;
        VectorSchemaRoot batch = first != null ? first : !closed && input.hasNext() ? input.next() : null;
        if (batch == null) {
            return false;
        }
        try (batch) {
            VectorSchemaRoot root = getVectorSchemaRoot();
            for (int i = 0; i < root.getFieldVectors().size(); i++) {
                batch.getVector(i).makeTransferPair(root.getVector(i)).transfer();
            }
            root.setRowCount(batch.getRowCount());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("preparing a scan batch: " + e.getMessage(), e);
        }
        return true;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected Schema readSchema() {
        return schema;
    }

    /** Closes the peeked batch, and the input (or every batch the scan never asked for). */
    @Override
    protected synchronized void closeReadSource() {
        if (closed) {
            return;
        }
        closed = true;
        if (peeked != null) {
            peeked.close();
            peeked = null;
        }
        CometBatchIterator.closeUnread(input);
    }
}
