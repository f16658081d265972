package io.rhei.server.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.rhei.core.query.QueryEngine;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One client connection: the startup handshake and authentication, then the simple and the extended query
 * protocols. Messages are handled one at a time, in order, on the server's query executor (never on Netty's event
 * loop); a CancelRequest arrives on another connection and stops the running query at its next batch.
 */
final class PgSession extends SimpleChannelInboundHandler<PgFrameDecoder.Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(PgSession.class);
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int PROTOCOL_3 = 196608;

    /** Reports a failed statement to the client as an ErrorResponse. */
    interface Errors {
        void report(Channel ch, Throwable e);
    }

    private final QueryEngine engine;
    private final BufferAllocator allocator;
    private final PgWireServer.Auth auth;
    private final SslContext tls;
    private final Executor executor;
    private final PgFrameDecoder decoder;
    private final SessionRegistry registry;
    private final SessionRegistry.Key key;
    private final Transaction transaction = new Transaction();
    private final ExtendedQueryProtocol extended;
    private final SessionFreshness freshness;
    private final Errors errors = PgSession::reportError;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private Authentication authentication;
    private boolean authenticated;
    private String user = "";
    private volatile boolean running;
    private volatile boolean cancelRequested;

    PgSession(QueryEngine engine, io.rhei.core.query.Freshness freshness, BufferAllocator allocator, PgWireServer.Auth auth,
              SslContext tls, Executor executor, PgFrameDecoder decoder, SessionRegistry registry) {
        this.engine = engine;
        this.allocator = allocator;
        this.auth = auth;
        this.tls = tls;
        this.executor = executor;
        this.decoder = decoder;
        this.registry = registry;
        this.key = registry.newKey();
        this.freshness = new SessionFreshness(freshness);
        this.extended = new ExtendedQueryProtocol(engine, allocator, transaction, this.freshness, () -> cancelRequested);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PgFrameDecoder.Frame frame) {
        ByteBuf body = frame.body(); // a retained slice (PgFrameDecoder): released once handled
        Channel ch = ctx.channel();
        tail = tail.thenRunAsync(() -> {
            try {
                handle(ch, frame.type(), body);
            } catch (ResultStream.ClientGone e) {
                LOG.debug("PostgreSQL protocol session {}: the client left mid-result", key.pid());
                ch.close();
            } catch (IndexOutOfBoundsException e) {
                ch.writeAndFlush(PgMessages.errorResponse(ch.alloc(), SqlStates.PROTOCOL_VIOLATION, "invalid message format ("
                        + (frame.type() == 0 ? "startup" : "'" + frame.type() + "'") + " message shorter than its fields)"));
                ch.close();
            } catch (RuntimeException | Error e) { // an Error too: a session must never be left waiting for an answer
                LOG.warn("PostgreSQL protocol session {}: {}", key.pid(), e.getMessage(), e);
                ch.writeAndFlush(PgMessages.errorResponse(ch.alloc(), SqlStates.INTERNAL_ERROR, String.valueOf(e.getMessage())));
                ch.close();
            } finally {
                body.release();
            }
        }, executor);
    }

    /** Asks the running query, if any, to stop (a CancelRequest with this session's key). */
    void cancel() {
        if (running) {
            cancelRequested = true;
        }
    }

    private void handle(Channel ch, char type, ByteBuf body) {
        ByteBufAllocator a = ch.alloc();
        if (type == 0) {
            startup(ch, body);
            return;
        }
        if (!authenticated) {
            if (type == 'p' && authentication != null) {
                Authentication.Step step = authentication.next(body);
                step.messages().forEach(ch::write);
                ch.flush();
                if (step.failure() != null) {
                    ch.writeAndFlush(PgMessages.errorResponse(a, SqlStates.INVALID_PASSWORD, step.failure()));
                    ch.close();
                } else if (step.done()) {
                    authenticated = true;
                    welcome(ch);
                }
                return;
            }
            ch.writeAndFlush(PgMessages.errorResponse(a, SqlStates.PROTOCOL_VIOLATION, "expected a password message, got '" + type + "'"));
            ch.close();
            return;
        }
        running = true;
        cancelRequested = false;
        try {
            if (type == 'Q') {
                extended.forgetUnnamed();
                simpleQuery(ch, PgMessages.readCString(body));
            } else if (type == 'X') {
                ch.close();
            } else if (!extended.handle(ch, type, body, errors)) {
                ch.writeAndFlush(PgMessages.errorResponse(a, SqlStates.PROTOCOL_VIOLATION, "invalid frontend message type '" + type + "'"));
                ch.close();
            }
        } finally {
            running = false;
        }
    }

    private void startup(Channel ch, ByteBuf body) {
        int code = body.readInt();
        if (code == SSL_REQUEST && tls != null && ch.pipeline().get(SslHandler.class) == null) {
            decoder.expectStartup();
            // startTls: the 'S' itself leaves unencrypted; the client's TLS handshake follows it
            ch.pipeline().addFirst("tls", new SslHandler(tls.newEngine(ch.alloc()), true));
            ch.writeAndFlush(ch.alloc().buffer(1).writeByte('S'));
            return;
        }
        if (code == SSL_REQUEST || code == GSS_REQUEST) {
            decoder.expectStartup();
            ch.writeAndFlush(ch.alloc().buffer(1).writeByte('N'));
            return;
        }
        if (code == CANCEL_REQUEST) {
            registry.cancel(body.readInt(), body.readInt());
            ch.close();
            return;
        }
        if (code != PROTOCOL_3) {
            ch.writeAndFlush(PgMessages.errorResponse(ch.alloc(), SqlStates.PROTOCOL_VIOLATION, "unsupported frontend protocol "
                    + (code >> 16) + "." + (code & 0xFFFF) + ": server supports 3.0"));
            ch.close();
            return;
        }
        Map<String, String> params = new HashMap<>();
        while (body.isReadable()) {
            String k = PgMessages.readCString(body);
            if (k.isEmpty()) {
                break;
            }
            params.put(k, PgMessages.readCString(body));
        }
        user = params.getOrDefault("user", "");
        if (auth.password() == null) {
            authenticated = true;
            welcome(ch);
            return;
        }
        authentication = Authentication.start(auth, user);
        authentication.first().forEach(ch::write);
        ch.flush();
    }

    private void welcome(Channel ch) {
        ByteBufAllocator a = ch.alloc();
        ch.write(PgMessages.authenticationOk(a));
        for (Map.Entry<String, String> p : PgWireServer.PARAMETERS.entrySet()) {
            ch.write(PgMessages.parameterStatus(a, p.getKey(), p.getValue()));
        }
        registry.register(key, this);
        ch.write(PgMessages.backendKeyData(a, key.pid(), key.secret()));
        ch.writeAndFlush(PgMessages.readyForQuery(a, transaction.status()));
    }

    private void simpleQuery(Channel ch, String sql) {
        ByteBufAllocator a = ch.alloc();
        List<String> statements = Statements.split(sql);
        if (statements.isEmpty()) {
            ch.write(PgMessages.emptyQueryResponse(a));
        }
        for (String statement : statements) {
            String tag = Statements.sessionTag(statement);
            try {
                transaction.requireRunnable(tag);
                if (tag != null) {
                    freshness.apply(statement);
                    ch.write(PgMessages.commandComplete(a, transaction.apply(tag)));
                    continue;
                }
                freshness.awaitBeforeQuery();
                try (ResultStream stream = new ResultStream(engine.query(statement, allocator))) {
                    ch.write(PgMessages.rowDescription(a, stream.columns()));
                    long rows = stream.write(ch, new short[stream.columns().size()], 0, () -> cancelRequested);
                    ch.write(PgMessages.commandComplete(a, "SELECT " + rows));
                }
            } catch (RuntimeException e) {
                reportError(ch, e);
                transaction.fail();
                break; // the rest of a simple-query message is skipped after an error
            }
        }
        ch.writeAndFlush(PgMessages.readyForQuery(a, transaction.status()));
    }

    private static void reportError(Channel ch, Throwable e) {
        if (e instanceof ResultStream.ClientGone) {
            throw (ResultStream.ClientGone) e;
        }
        if (e instanceof IndexOutOfBoundsException oob) {
            throw oob; // a malformed message: the connection ends
        }
        ch.write(PgMessages.errorResponse(ch.alloc(), SqlStates.of(e), oneLine(e)));
    }

    private static String oneLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int q = m.indexOf(" [query: ");
        String line = (q > 0 ? m.substring(0, q) : m).replaceAll("\\s+", " ").strip();
        // PostgreSQL's own wording for an error of the running query ("division by zero"), without Rhei's prefix
        return line.startsWith("query failed: ") ? line.substring("query failed: ".length()) : line;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        registry.remove(key);
        cancelRequested = true; // a result still streaming stops at its next batch
        tail = tail.thenRunAsync(extended::close, executor);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && !(cause.getCause() instanceof javax.net.ssl.SSLException) && ctx.channel().isActive()) {
            Throwable why = cause.getCause() != null ? cause.getCause() : cause;
            ctx.writeAndFlush(PgMessages.errorResponse(ctx.alloc(), SqlStates.PROTOCOL_VIOLATION, String.valueOf(why.getMessage())));
        }
        LOG.debug("PostgreSQL protocol connection closed: {}", cause.getMessage());
        ctx.close();
    }
}
