package io.rhei.server.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.rhei.core.query.QueryEngine;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client connection: the startup handshake, then the simple query protocol. Messages are handled one at a time,
 * in order, on the server's query executor (never on Netty's event loop); results stream batch by batch, waiting
 * while the socket cannot take more (backpressure).
 */
final class PgSession extends SimpleChannelInboundHandler<PgFrameDecoder.Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(PgSession.class);
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int PROTOCOL_3 = 196608;

    private final QueryEngine engine;
    private final BufferAllocator allocator;
    private final PgWireServer.Auth auth;
    private final Executor executor;
    private final PgFrameDecoder decoder;
    private final int pid = ThreadLocalRandom.current().nextInt(1 << 20, Integer.MAX_VALUE);
    private final int secret = ThreadLocalRandom.current().nextInt();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private boolean authenticated;
    private String user = "";

    PgSession(QueryEngine engine, BufferAllocator allocator, PgWireServer.Auth auth, Executor executor, PgFrameDecoder decoder) {
        this.engine = engine;
        this.allocator = allocator;
        this.auth = auth;
        this.executor = executor;
        this.decoder = decoder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PgFrameDecoder.Frame frame) {
        ByteBuf body = frame.body().retain();
        Channel ch = ctx.channel();
        tail = tail.thenRunAsync(() -> {
            try {
                handle(ch, frame.type(), body);
            } catch (RuntimeException e) {
                LOG.warn("PostgreSQL protocol session {}: {}", pid, e.getMessage(), e);
                ch.writeAndFlush(PgMessages.errorResponse(ch.alloc(), SqlStates.INTERNAL_ERROR, String.valueOf(e.getMessage())));
                ch.close();
            } finally {
                body.release();
            }
        }, executor);
    }

    private void handle(Channel ch, char type, ByteBuf body) {
        ByteBufAllocator a = ch.alloc();
        if (type == 0) {
            startup(ch, body);
            return;
        }
        if (!authenticated) {
            if (type == 'p' && auth.password() != null) {
                String given = cstring(body);
                if (!auth.password().equals(given) || !auth.user().equals(user)) {
                    ch.writeAndFlush(PgMessages.errorResponse(a, SqlStates.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\""));
                    ch.close();
                    return;
                }
                authenticated = true;
                welcome(ch);
                return;
            }
            ch.writeAndFlush(PgMessages.errorResponse(a, SqlStates.PROTOCOL_VIOLATION, "expected a password message"));
            ch.close();
            return;
        }
        switch (type) {
            case 'Q' -> simpleQuery(ch, cstring(body));
            case 'X' -> ch.close();
            default -> {
                ch.write(PgMessages.errorResponse(a, SqlStates.FEATURE_NOT_SUPPORTED, "not supported yet: protocol message '" + type
                        + "' (the extended query protocol; use the simple protocol, e.g. preferQueryMode=simple in pgjdbc)"));
                ch.writeAndFlush(PgMessages.readyForQuery(a, 'I'));
            }
        }
    }

    private void startup(Channel ch, ByteBuf body) {
        int code = body.readInt();
        if (code == SSL_REQUEST || code == GSS_REQUEST) {
            decoder.expectStartup();
            ch.writeAndFlush(ch.alloc().buffer(1).writeByte('N'));
            return;
        }
        if (code == CANCEL_REQUEST) {
            ch.close();
            return;
        }
        if (code != PROTOCOL_3) {
            ch.writeAndFlush(PgMessages.errorResponse(ch.alloc(), SqlStates.PROTOCOL_VIOLATION, "unsupported frontend protocol "
                    + (code >> 16) + "." + (code & 0xFFFF) + ": Rhei speaks 3.0"));
            ch.close();
            return;
        }
        Map<String, String> params = new HashMap<>();
        while (body.isReadable()) {
            String k = cstring(body);
            if (k.isEmpty()) {
                break;
            }
            params.put(k, cstring(body));
        }
        user = params.getOrDefault("user", "");
        if (auth.password() == null) {
            authenticated = true;
            welcome(ch);
        } else {
            ch.writeAndFlush(PgMessages.authenticationCleartextPassword(ch.alloc()));
        }
    }

    private void welcome(Channel ch) {
        ByteBufAllocator a = ch.alloc();
        ch.write(PgMessages.authenticationOk(a));
        for (Map.Entry<String, String> p : PgWireServer.PARAMETERS.entrySet()) {
            ch.write(PgMessages.parameterStatus(a, p.getKey(), p.getValue()));
        }
        ch.write(PgMessages.backendKeyData(a, pid, secret));
        ch.writeAndFlush(PgMessages.readyForQuery(a, 'I'));
    }

    private void simpleQuery(Channel ch, String sql) {
        ByteBufAllocator a = ch.alloc();
        List<String> statements = Statements.split(sql);
        if (statements.isEmpty()) {
            ch.write(PgMessages.emptyQueryResponse(a));
        }
        for (String statement : statements) {
            String tag = Statements.sessionTag(statement);
            if (tag != null) {
                ch.write(PgMessages.commandComplete(a, tag));
                continue;
            }
            try {
                long rows = run(ch, statement);
                ch.write(PgMessages.commandComplete(a, "SELECT " + rows));
            } catch (RuntimeException e) {
                ch.write(PgMessages.errorResponse(a, SqlStates.of(e), oneLine(e)));
                break; // the rest of a simple-query message is skipped after an error
            }
        }
        ch.writeAndFlush(PgMessages.readyForQuery(a, 'I'));
    }

    /** Runs one query and streams its rows; returns how many. */
    private long run(Channel ch, String sql) {
        long rows = 0;
        try (ArrowReader reader = engine.query(sql, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<PgMessages.Column> columns = new ArrayList<>();
            for (Field f : root.getSchema().getFields()) {
                columns.add(PgTypes.column(f));
            }
            ch.write(PgMessages.rowDescription(ch.alloc(), columns));
            while (reader.loadNextBatch()) {
                int n = root.getRowCount();
                List<FieldVector> vectors = root.getFieldVectors();
                ByteBuf out = ch.alloc().buffer();
                byte[][] values = new byte[vectors.size()][];
                for (int r = 0; r < n; r++) {
                    for (int c = 0; c < values.length; c++) {
                        values[c] = PgTypes.text(vectors.get(c), r);
                    }
                    PgMessages.dataRow(out, values);
                }
                rows += n;
                ch.writeAndFlush(out);
                awaitWritable(ch);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return rows;
    }

    /** Backpressure: a result never piles up in memory faster than the client reads it. */
    private static void awaitWritable(Channel ch) {
        while (ch.isActive() && !ch.isWritable()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String oneLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int q = m.indexOf(" [query: ");
        return (q > 0 ? m.substring(0, q) : m).replaceAll("\\s+", " ").strip();
    }

    private static String cstring(ByteBuf b) {
        int end = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) 0);
        if (end < 0) {
            end = b.writerIndex();
        }
        String s = b.toString(b.readerIndex(), end - b.readerIndex(), StandardCharsets.UTF_8);
        b.readerIndex(Math.min(b.writerIndex(), end + 1));
        return s;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("PostgreSQL protocol connection closed: {}", cause.getMessage());
        ctx.close();
    }
}
