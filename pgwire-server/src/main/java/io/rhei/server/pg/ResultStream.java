package io.rhei.server.pg;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A query's rows on their way to the client as DataRows, batch by batch as the engine produces them. It remembers
 * where it stopped, so a portal executed with a row limit resumes there. Writes wait while the socket cannot take
 * more (backpressure): a result never piles up in memory faster than the client reads it.
 */
final class ResultStream implements AutoCloseable {
    /** Rows are flushed to the socket in chunks of about this many bytes. */
    private static final int FLUSH_BYTES = 256 << 10;

    private final ArrowReader reader;
    private final VectorSchemaRoot root;
    private final List<PgMessages.Column> columns = new ArrayList<>();
    private int nextRow;
    private boolean loaded;
    private boolean exhausted;

    /** Thrown when the session was asked to cancel (CancelRequest) between batches. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("canceling statement due to user request");
        }
    }

    /** Whether a CancelRequest came for this session. */
    interface CancelCheck {
        boolean cancelled();
    }

    ResultStream(ArrowReader reader) {
        this.reader = reader;
        try {
            this.root = reader.getVectorSchemaRoot(); // may run the query's first batch, and fail
        } catch (IOException | RuntimeException e) {
            try {
                reader.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        for (Field f : root.getSchema().getFields()) {
            columns.add(PgTypes.column(f));
        }
    }

    List<PgMessages.Column> columns() {
        return columns;
    }

    /** Per column, 0 (text) or 1 (binary) from Bind's result format codes: none, one for all, or one each. */
    static short[] formats(short[] requested, int columnCount) {
        short[] f = new short[columnCount];
        for (int i = 0; i < columnCount; i++) {
            f[i] = requested.length == 0 ? 0 : requested.length == 1 ? requested[0] : requested[i];
        }
        return f;
    }

    /**
     * Writes up to {@code maxRows} rows (0: all) and returns how many; {@link #exhausted()} says whether the result
     * ended.
     */
    long write(Channel ch, short[] formats, long maxRows, CancelCheck cancel) {
        long written = 0;
        ByteBuf out = ch.alloc().buffer();
        byte[][] values = new byte[columns.size()][];
        try {
            while (maxRows == 0 || written < maxRows) {
                if (!loaded || nextRow >= root.getRowCount()) {
                    if (cancel.cancelled()) {
                        throw new Cancelled();
                    }
                    if (!reader.loadNextBatch()) {
                        exhausted = true;
                        break;
                    }
                    loaded = true;
                    nextRow = 0;
                    continue;
                }
                List<FieldVector> vectors = root.getFieldVectors();
                for (int c = 0; c < values.length; c++) {
                    values[c] = formats[c] == 1 ? PgBinary.encode(vectors.get(c), nextRow) : PgTypes.text(vectors.get(c), nextRow);
                }
                PgMessages.dataRow(out, values);
                nextRow++;
                written++;
                if (out.readableBytes() >= FLUSH_BYTES) {
                    ch.writeAndFlush(out);
                    out = ch.alloc().buffer();
                    awaitWritable(ch, cancel);
                }
            }
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        ch.write(out);
        return written;
    }

    boolean exhausted() {
        return exhausted;
    }

    /** Waits while the socket's buffer is full, until the client reads, leaves or cancels. */
    private static void awaitWritable(Channel ch, CancelCheck cancel) {
        while (ch.isActive() && !ch.isWritable()) {
            if (cancel.cancelled()) {
                throw new Cancelled();
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!ch.isActive()) {
            throw new ClientGone();
        }
    }

    /** The client closed the connection mid-result: stop producing rows. */
    static final class ClientGone extends RuntimeException {
        ClientGone() {
            super("the client closed the connection");
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
