package io.rhei;

import io.rhei.olap.QueryResults;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A query's result, streamed as Arrow batches from the native engine: {@link #nextBatch()} loads the next one into
 * {@link #batch()}. Owns its buffers (a child allocator of Rhei's) and releases them on {@link #close()}, which must
 * be called; {@link #rows()} is a convenience for small results.
 */
public final class QueryResult implements AutoCloseable {
    private final ArrowReader reader;
    private final BufferAllocator allocator;
    private boolean closed;

    QueryResult(ArrowReader reader, BufferAllocator allocator) {
        this.reader = reader;
        this.allocator = allocator;
    }

    /** The result's schema (runs the plan up to its first batch). */
    public Schema schema() {
        return batch().getSchema();
    }

    public List<String> columnNames() {
        return schema().getFields().stream().map(f -> f.getName()).toList();
    }

    /** The current batch; its vectors are reused by the next {@link #nextBatch()}. */
    public VectorSchemaRoot batch() {
        try {
            return reader.getVectorSchemaRoot();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads the next batch; false at the end. */
    public boolean nextBatch() {
        try {
            return reader.loadNextBatch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the rest of the result into Java values (strings, BigDecimal, LocalDate, Instant...) and closes it. */
    public List<List<Object>> rows() {
        try {
            return QueryResults.read(reader).rows();
        } finally {
            close();
        }
    }

    /** The reader itself, for code that consumes Arrow streams; still closed by {@link #close()}. */
    public ArrowReader reader() {
        return reader;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            allocator.close();
        }
    }
}
