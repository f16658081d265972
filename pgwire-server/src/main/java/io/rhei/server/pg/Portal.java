package io.rhei.server.pg;

import io.rhei.core.query.QueryEngine;
import org.apache.arrow.memory.BufferAllocator;

import java.util.List;

/**
 * A prepared statement bound to parameter values (Bind), with its result formats. Its result is opened on first
 * Describe or Execute and kept open across Executes with a row limit, until it ends or the portal is closed.
 */
final class Portal implements AutoCloseable {
    private final PreparedQuery query;
    private final List<Object> values;
    private final short[] requestedFormats;
    private ResultStream stream;
    private boolean done;

    Portal(PreparedQuery query, List<Object> values, short[] requestedFormats) {
        this.query = query;
        this.values = values;
        this.requestedFormats = requestedFormats;
    }

    PreparedQuery query() {
        return query;
    }

    /** The open result, running the query on first call. */
    ResultStream stream(QueryEngine engine, BufferAllocator allocator) {
        if (stream == null) {
            stream = new ResultStream(engine.query(query.sql(), query.declaredTypes(), values, allocator));
        }
        return stream;
    }

    /** Whether the query runs already (a Describe of the portal started it, or an earlier Execute). */
    boolean started() {
        return stream != null || done;
    }

    short[] formats(int columnCount) {
        return ResultStream.formats(requestedFormats, columnCount);
    }

    /** Whether every row was sent: Execute again answers with no rows. */
    boolean done() {
        return done;
    }

    void finish() {
        done = true;
        close();
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }
}
