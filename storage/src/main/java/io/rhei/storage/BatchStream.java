package io.rhei.storage;

import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Batches read from a data file; each handed-out batch belongs to the caller. Close releases what is still open. */
public interface BatchStream extends Iterator<VectorSchemaRoot>, AutoCloseable {
    @Override
    void close();

    /** No batches. */
    static BatchStream empty() {
        return new BatchStream() {
            @Override
            public boolean hasNext() {
                return false;
            }

            @Override
            public VectorSchemaRoot next() {
                throw new NoSuchElementException();
            }

            @Override
            public void close() {
            }
        };
    }

    static BatchStream of(VectorSchemaRoot single) {
        return new BatchStream() {
            private VectorSchemaRoot next = single;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public VectorSchemaRoot next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                VectorSchemaRoot r = next;
                next = null;
                return r;
            }

            @Override
            public void close() {
                if (next != null) {
                    next.close();
                    next = null;
                }
            }
        };
    }
}
