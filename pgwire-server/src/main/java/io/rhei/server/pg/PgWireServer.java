package io.rhei.server.pg;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.rhei.core.RheiException;
import io.rhei.core.config.TlsFiles;
import io.rhei.core.query.QueryEngine;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL frontend/backend protocol (version 3) in front of a {@link QueryEngine}, on Netty, so psql and
 * PostgreSQL drivers query Rhei: the startup handshake (TLS when a certificate is configured), no authentication or
 * SCRAM-SHA-256, the simple query protocol (several statements per message) and the extended one (Parse, Bind,
 * Describe, Execute with a row limit, Close, Sync, Flush), results in text or binary with PostgreSQL's type OIDs,
 * parameters, CancelRequest, SQLSTATEs in errors, and the session and transaction statements clients send.
 *
 * <p>Threads: Netty's event loops only move bytes; each session's messages run in order on a cached pool of
 * {@code rhei-pg-query} threads, one at a time per session.
 */
public final class PgWireServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgWireServer.class);

    /** What the server reports at startup, as a PostgreSQL 17 that names Rhei. */
    static final Map<String, String> PARAMETERS = parameters();

    /** Who may connect: a user and password ({@code password} null: anyone, for loopback demos). */
    public record Auth(String user, String password) {
        public static final Auth NONE = new Auth("", null);
    }

    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final ExecutorService queries = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rhei-pg-query");
        t.setDaemon(true);
        return t;
    });
    private final BufferAllocator allocator;
    private final SessionRegistry sessions = new SessionRegistry();
    private final Channel channel;

    private PgWireServer(QueryEngine engine, io.rhei.core.query.Freshness freshness, BufferAllocator parent, String host, int port, Auth auth,
                         TlsFiles tlsFiles) {
        SslContext tls = tlsFiles == null ? null : sslContext(tlsFiles);
        this.allocator = parent.newChildAllocator("rhei-pgwire", 0, Long.MAX_VALUE);
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        PgFrameDecoder decoder = new PgFrameDecoder();
                        ch.pipeline().addLast(decoder, new PgSession(engine, freshness, allocator, auth, tls, queries, decoder, sessions));
                    }
                });
        try {
            this.channel = b.bind(new InetSocketAddress(host, port)).sync().channel();
        } catch (Exception e) {
            close();
            throw new RheiException("cannot start the PostgreSQL protocol server on " + host + ":" + port + ": " + e.getMessage()
                    + " (is the port in use? choose another with server.pg-port)", e);
        }
        LOG.info("PostgreSQL protocol server listening on {}:{} ({}, {})", host, port(),
                auth.password() == null ? "no authentication" : "SCRAM-SHA-256 password", tls == null ? "SSL requests refused" : "TLS on SSL request");
    }

    private static SslContext sslContext(TlsFiles files) {
        try {
            return SslContextBuilder.forServer(files.certificateChain().toFile(), files.privateKey().toFile()).build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new RheiException("cannot read the TLS certificate " + files.certificateChain() + " and key " + files.privateKey() + ": "
                    + e.getMessage() + " (server.tls.cert must be a PEM certificate chain, server.tls.key a PEM PKCS#8 key: convert others with"
                    + " `openssl pkcs8 -topk8 -nocrypt`)", e);
        }
    }

    /** Serves {@code engine} on {@code host:port} (0: a free port), with buffers from a child of {@code parent}. */
    public static PgWireServer start(QueryEngine engine, BufferAllocator parent, String host, int port, Auth auth) {
        return start(engine, io.rhei.core.query.Freshness.NONE, parent, host, port, auth);
    }

    /** As above, with read-your-writes: {@code SET rhei.min_lsn = '...'} waits on {@code freshness} before queries. */
    public static PgWireServer start(QueryEngine engine, io.rhei.core.query.Freshness freshness, BufferAllocator parent, String host,
                                     int port, Auth auth) {
        return start(engine, freshness, parent, host, port, auth, null);
    }

    /** As above; an SSLRequest is answered 'S' and the connection goes on in TLS with {@code tls}'s certificate (null: 'N'). */
    public static PgWireServer start(QueryEngine engine, io.rhei.core.query.Freshness freshness, BufferAllocator parent, String host,
                                     int port, Auth auth, TlsFiles tls) {
        return new PgWireServer(engine, freshness, parent, host, port, auth, tls);
    }

    /** Sessions connected and authenticated now. */
    public int sessions() {
        return sessions.size();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    private static Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("server_version", "17.0 (Rhei 0.1.0)");
        p.put("server_encoding", "UTF8");
        p.put("client_encoding", "UTF8");
        p.put("DateStyle", "ISO, MDY");
        p.put("TimeZone", "UTC");
        p.put("integer_datetimes", "on");
        p.put("standard_conforming_strings", "on");
        p.put("IntervalStyle", "postgres");
        p.put("is_superuser", "off");
        return p;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        queries.shutdownNow();
        allocator.close();
    }
}
