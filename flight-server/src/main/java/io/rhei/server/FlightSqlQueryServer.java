package io.rhei.server;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.rhei.core.RheiException;
import io.rhei.core.config.TlsFiles;
import io.rhei.core.model.Lsn;
import io.rhei.core.query.Freshness;
import io.rhei.core.query.QueryEngine;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.auth2.BasicCallHeaderAuthenticator;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.apache.arrow.flight.auth2.GeneratedBearerTokenAuthenticator;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Arrow Flight SQL in front of the OLAP engine, so standard clients (the Flight SQL JDBC driver, ADBC, pyarrow)
 * query Rhei. Read-only: anything but a query is refused with an error saying so. A query starts when its
 * FlightInfo is asked for (that is when its exact result schema is known) and streams batch by batch when its
 * ticket is read; results not fetched within five minutes are released.
 *
 * <p><b>Read-your-writes.</b> A call with the header {@value #MIN_LSN_HEADER} (an LSN as PostgreSQL prints it,
 * {@code 16/B374D848}) is answered only once every change committed at or before it is applied, waiting up to
 * {@value #MIN_LSN_TIMEOUT_HEADER} ({@code 250ms}, {@code 5s}; default 10 s). The Flight SQL JDBC driver sends
 * URL parameters it does not know as headers: {@code jdbc:arrow-flight-sql://host:47470?rhei-min-lsn=16/B374D848}.
 */
public final class FlightSqlQueryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlightSqlQueryServer.class);
    private static final long ABANDONED_AFTER_MS = TimeUnit.MINUTES.toMillis(5);
    /** The call header asking for results no older than an LSN. */
    public static final String MIN_LSN_HEADER = "rhei-min-lsn";
    /** How long a call with {@value #MIN_LSN_HEADER} waits at most. */
    public static final String MIN_LSN_TIMEOUT_HEADER = "rhei-min-lsn-timeout";
    private static final java.time.Duration DEFAULT_MIN_LSN_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final FlightServer server;
    private final Producer producer;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rhei-flight-sweeper");
        t.setDaemon(true);
        return t;
    });

    /** The user and password clients must send; {@code null} turns authentication off (the demo only). */
    public record Credentials(String user, String password) {
    }

    private FlightSqlQueryServer(FlightServer server, Producer producer) {
        this.server = server;
        this.producer = producer;
        sweeper.scheduleAtFixedRate(producer::releaseAbandoned, 1, 1, TimeUnit.MINUTES);
    }

    /** A server over tables nobody syncs: calls asking for an LSN are answered at once. */
    public static FlightSqlQueryServer start(QueryEngine engine, BufferAllocator parent, String host, int port,
                                             Credentials credentials) {
        return start(engine, Freshness.NONE, parent, host, port, credentials);
    }

    /**
     * Serves {@code engine} on {@code host:port} (0: a free port), with buffers from a child of {@code parent}, and
     * read-your-writes through {@code freshness}.
     */
    public static FlightSqlQueryServer start(QueryEngine engine, Freshness freshness, BufferAllocator parent, String host, int port,
                                             Credentials credentials) {
        return start(engine, freshness, parent, host, port, credentials, null);
    }

    /** As above, over TLS with {@code tls}'s certificate when it is not null. */
    public static FlightSqlQueryServer start(QueryEngine engine, Freshness freshness, BufferAllocator parent, String host, int port,
                                             Credentials credentials, TlsFiles tls) {
        BufferAllocator allocator = parent.newChildAllocator("rhei-flight-sql", 0, Long.MAX_VALUE);
        Producer producer = new Producer(engine, freshness, allocator);
        Location location = tls == null ? Location.forGrpcInsecure(host, port) : Location.forGrpcTls(host, port);
        FlightServer.Builder b = FlightServer.builder(allocator, location, producer)
                .middleware(RequestHeaders.KEY, new RequestHeaders.Factory());
        if (credentials != null) {
            CallHeaderAuthenticator basic = new BasicCallHeaderAuthenticator((user, password) -> {
                if (credentials.user().equals(user) && credentials.password().equals(password)) {
                    return () -> user;
                }
                throw CallStatus.UNAUTHENTICATED.withDescription("wrong user or password").toRuntimeException();
            });
            b.headerAuthenticator(new GeneratedBearerTokenAuthenticator(basic));
        }
        try {
            if (tls != null) {
                b.useTls(tls.certificateChain().toFile(), tls.privateKey().toFile());
            }
            FlightServer server = b.build().start();
            LOG.info("Flight SQL server listening on {}:{} ({}, {})", host, server.getPort(), credentials == null ? "no authentication" : "user/password",
                    tls == null ? "plain TCP" : "TLS");
            return new FlightSqlQueryServer(server, producer);
        } catch (IOException e) {
            allocator.close();
            throw new RheiException("cannot start the Flight SQL server on " + host + ":" + port + ": " + e.getMessage()
                    + " (is the port in use? choose another with server.port)", e);
        } catch (RuntimeException e) {
            allocator.close();
            if (tls == null) {
                throw e;
            }
            throw new RheiException("cannot start the Flight SQL server with TLS from " + tls.certificateChain() + " and " + tls.privateKey()
                    + ": " + e.getMessage() + " (server.tls.cert must be a PEM certificate chain, server.tls.key a PEM PKCS#8 key)", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Queries answered, refused or failed, and the time from a query's start to its last batch sent. */
    public QueryStats stats() {
        return producer.stats;
    }

    /** Query counters and latencies (microseconds), safe to read from any thread. */
    public static final class QueryStats {
        private final java.util.concurrent.atomic.LongAdder completed = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();
        private final io.rhei.core.metrics.LatencyHistogram latency = new io.rhei.core.metrics.LatencyHistogram();

        public long completed() {
            return completed.sum();
        }

        public long failed() {
            return failed.sum();
        }

        public io.rhei.core.metrics.LatencyHistogram latency() {
            return latency;
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            server.shutdown();
            server.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }

    /** Queries by handle: started at FlightInfo, streamed (and closed) at the ticket. */
    static final class Producer extends NoOpFlightSqlProducer {
        private record Pending(ArrowReader reader, long createdMillis, long startedNanos) {
        }

        private final QueryEngine engine;
        private final Freshness freshness;
        private final BufferAllocator allocator;
        /** A prepared statement: its SQL, parameter types, and the values last bound (DoPut of a parameter batch). */
        private record Prepared(String sql, List<io.rhei.core.schema.ColumnType> parameterTypes, List<Object> values) {
        }

        private final Map<String, Pending> pending = new ConcurrentHashMap<>();
        private final Map<String, Prepared> prepared = new ConcurrentHashMap<>();
        private final QueryStats stats = new QueryStats();
        private final FlightSqlCatalog catalog;

        Producer(QueryEngine engine, Freshness freshness, BufferAllocator allocator) {
            this.engine = engine;
            this.freshness = freshness;
            this.allocator = allocator;
            this.catalog = new FlightSqlCatalog(engine.catalog(), allocator);
        }

        @Override
        public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
            return start(command.getQuery(), context, descriptor);
        }

        @Override
        public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
                                                         FlightDescriptor descriptor) {
            Prepared p = prepared.get(command.getPreparedStatementHandle().toString(StandardCharsets.UTF_8));
            if (p == null) {
                throw CallStatus.NOT_FOUND.withDescription("no such prepared statement (closed, or the server restarted): prepare it again")
                        .toRuntimeException();
            }
            if (p.values().size() != p.parameterTypes().size()) {
                throw CallStatus.INVALID_ARGUMENT.withDescription("the statement has " + p.parameterTypes().size()
                        + " parameter(s); bind a value to each before executing").toRuntimeException();
            }
            return start(p.sql(), p.values(), context, descriptor);
        }

        private FlightInfo start(String sql, CallContext context, FlightDescriptor descriptor) {
            return start(sql, List.of(), context, descriptor);
        }

        private FlightInfo start(String sql, List<Object> values, CallContext context, FlightDescriptor descriptor) {
            ArrowReader reader;
            VectorSchemaRoot root;
            long started = System.nanoTime();
            awaitFreshness(context);
            try {
                reader = values.isEmpty() ? engine.query(sql, allocator) : engine.query(sql, List.of(), values, allocator);
                root = reader.getVectorSchemaRoot(); // runs the plan up to its first batch: the exact schema
            } catch (RuntimeException | IOException e) {
                stats.failed.increment();
                throw CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).withCause(e).toRuntimeException();
            }
            String handle = UUID.randomUUID().toString();
            pending.put(handle, new Pending(reader, System.currentTimeMillis(), started));
            FlightSql.TicketStatementQuery ticket = FlightSql.TicketStatementQuery.newBuilder()
                    .setStatementHandle(ByteString.copyFromUtf8(handle)).build();
            return new FlightInfo(root.getSchema(), descriptor, List.of(new FlightEndpoint(new Ticket(Any.pack(ticket).toByteArray()))), -1, -1);
        }

        /** Waits for the LSN the call asks for, if it asks; a bad header or a timeout fails the call. */
        private void awaitFreshness(CallContext context) {
            RequestHeaders headers = context.getMiddleware(RequestHeaders.KEY);
            String lsn = headers == null ? null : headers.get(MIN_LSN_HEADER);
            if (lsn == null || lsn.isBlank()) {
                return;
            }
            try {
                String timeout = headers.get(MIN_LSN_TIMEOUT_HEADER);
                freshness.awaitApplied(Lsn.parse(lsn.strip()), timeout == null ? DEFAULT_MIN_LSN_TIMEOUT
                        : io.rhei.core.config.Settings.parseDuration(timeout));
            } catch (IllegalArgumentException e) {
                stats.failed.increment();
                throw CallStatus.INVALID_ARGUMENT.withDescription(MIN_LSN_HEADER + ": " + e.getMessage()).toRuntimeException();
            } catch (RheiException e) {
                stats.failed.increment();
                throw CallStatus.TIMED_OUT.withDescription(e.getMessage()).toRuntimeException();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CallStatus.CANCELLED.withDescription("interrupted while waiting for " + MIN_LSN_HEADER + " " + lsn).toRuntimeException();
            }
        }

        @Override
        public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
            Pending p = pending.remove(ticket.getStatementHandle().toString(StandardCharsets.UTF_8));
            if (p == null) {
                listener.error(CallStatus.NOT_FOUND.withDescription("no such query (already read, or released after 5 minutes)").toRuntimeException());
                return;
            }
            ArrowReader reader = p.reader();
            try {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                listener.start(root);
                while (reader.loadNextBatch()) {
                    listener.putNext();
                }
            } catch (RuntimeException | IOException e) {
                stats.failed.increment();
                closeQuietly(reader);
                LOG.warn("streaming a query result failed: {}", e.getMessage());
                listener.error(CallStatus.INTERNAL.withDescription(e.getMessage()).withCause(e).toRuntimeException());
                return;
            }
            // Released before the client hears the end, so a client that stops the server right after reading
            // finds nothing of this query still held.
            closeQuietly(reader);
            stats.completed.increment();
            stats.latency.record((System.nanoTime() - p.startedNanos()) / 1000);
            listener.completed();
        }

        @Override
        public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
                                            StreamListener<Result> listener) {
            String sql = request.getQuery();
            io.rhei.core.query.QueryDescription d;
            try {
                d = engine.describe(sql, List.of());
            } catch (RuntimeException e) {
                listener.onError(CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).toRuntimeException());
                return;
            }
            List<org.apache.arrow.vector.types.pojo.Field> params = new java.util.ArrayList<>();
            for (int i = 0; i < d.parameterTypes().size(); i++) {
                params.add(new org.apache.arrow.vector.types.pojo.Field("$" + (i + 1), org.apache.arrow.vector.types.pojo.FieldType.nullable(
                        io.rhei.core.schema.ArrowSchemas.arrowType(d.parameterTypes().get(i))), null));
            }
            String handle = UUID.randomUUID().toString();
            prepared.put(handle, new Prepared(sql, d.parameterTypes(), List.of()));
            // The dataset schema marks it a query (clients treat a statement without one as an update).
            FlightSql.ActionCreatePreparedStatementResult result = FlightSql.ActionCreatePreparedStatementResult.newBuilder()
                    .setPreparedStatementHandle(ByteString.copyFromUtf8(handle))
                    .setDatasetSchema(ByteString.copyFrom(FlightSqlCatalog.ipc(d.resultSchema())))
                    .setParameterSchema(ByteString.copyFrom(FlightSqlCatalog.ipc(new org.apache.arrow.vector.types.pojo.Schema(params)))).build();
            listener.onNext(new Result(Any.pack(result).toByteArray()));
            listener.onCompleted();
        }

        /** Binds the parameters of a prepared query: the last row of the batches the client puts. */
        @Override
        public Runnable acceptPutPreparedStatementQuery(FlightSql.CommandPreparedStatementQuery command, CallContext context,
                                                        FlightStream flightStream, StreamListener<PutResult> ackStream) {
            String handle = command.getPreparedStatementHandle().toString(StandardCharsets.UTF_8);
            return () -> {
                Prepared p = prepared.get(handle);
                if (p == null) {
                    ackStream.onError(CallStatus.NOT_FOUND.withDescription("no such prepared statement: prepare it again").toRuntimeException());
                    return;
                }
                List<Object> values = List.of();
                while (flightStream.next()) {
                    VectorSchemaRoot root = flightStream.getRoot();
                    if (root.getRowCount() > 0) {
                        values = ArrowParameters.row(root, root.getRowCount() - 1);
                    }
                }
                prepared.put(handle, new Prepared(p.sql(), p.parameterTypes(), values));
                FlightSql.DoPutPreparedStatementResult result = FlightSql.DoPutPreparedStatementResult.newBuilder()
                        .setPreparedStatementHandle(command.getPreparedStatementHandle()).build();
                try (org.apache.arrow.memory.ArrowBuf meta = allocator.buffer(result.getSerializedSize())) {
                    meta.writeBytes(result.toByteArray());
                    ackStream.onNext(PutResult.metadata(meta));
                }
                ackStream.onCompleted();
            };
        }

        @Override
        public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
                                           StreamListener<Result> listener) {
            prepared.remove(request.getPreparedStatementHandle().toString(StandardCharsets.UTF_8));
            listener.onCompleted();
        }

        /** Runs a catalog listing; a failure reaches the client with its reason rather than as an internal error. */
        private static void answer(ServerStreamListener listener, Runnable listing) {
            try {
                listing.run();
            } catch (RuntimeException e) {
                LOG.warn("a catalog listing failed: {}", e.toString(), e);
                listener.error(CallStatus.INTERNAL.withDescription("catalog listing failed: " + e).withCause(e).toRuntimeException());
            }
        }

        private static FlightInfo catalogInfo(com.google.protobuf.Message command, org.apache.arrow.vector.types.pojo.Schema schema,
                                              FlightDescriptor descriptor) {
            return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(Any.pack(command).toByteArray()))), -1, -1);
        }

        @Override
        public FlightInfo getFlightInfoCatalogs(FlightSql.CommandGetCatalogs request, CallContext context, FlightDescriptor descriptor) {
            return catalogInfo(request, Schemas.GET_CATALOGS_SCHEMA, descriptor);
        }

        @Override
        public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
            answer(listener, () -> catalog.catalogs(listener));
        }

        @Override
        public FlightInfo getFlightInfoSchemas(FlightSql.CommandGetDbSchemas request, CallContext context, FlightDescriptor descriptor) {
            return catalogInfo(request, Schemas.GET_SCHEMAS_SCHEMA, descriptor);
        }

        @Override
        public void getStreamSchemas(FlightSql.CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
            answer(listener, () -> catalog.schemas(command, listener));
        }

        @Override
        public FlightInfo getFlightInfoTables(FlightSql.CommandGetTables request, CallContext context, FlightDescriptor descriptor) {
            return catalogInfo(request, request.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, descriptor);
        }

        @Override
        public void getStreamTables(FlightSql.CommandGetTables command, CallContext context, ServerStreamListener listener) {
            answer(listener, () -> catalog.tables(command, listener));
        }

        @Override
        public FlightInfo getFlightInfoPrimaryKeys(FlightSql.CommandGetPrimaryKeys request, CallContext context, FlightDescriptor descriptor) {
            return catalogInfo(request, Schemas.GET_PRIMARY_KEYS_SCHEMA, descriptor);
        }

        @Override
        public void getStreamPrimaryKeys(FlightSql.CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
            answer(listener, () -> catalog.primaryKeys(command, listener));
        }

        @Override
        public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes request, CallContext context, FlightDescriptor descriptor) {
            return catalogInfo(request, Schemas.GET_TABLE_TYPES_SCHEMA, descriptor);
        }

        @Override
        public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
            answer(listener, () -> catalog.tableTypes(listener));
        }

        @Override
        public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context, FlightDescriptor descriptor) {
            return catalogInfo(request, Schemas.GET_SQL_INFO_SCHEMA, descriptor);
        }

        @Override
        public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
            answer(listener, () -> catalog.sqlInfo(command, listener));
        }

        @Override
        public FlightInfo getFlightInfoTypeInfo(FlightSql.CommandGetXdbcTypeInfo request, CallContext context, FlightDescriptor descriptor) {
            return catalogInfo(request, Schemas.GET_TYPE_INFO_SCHEMA, descriptor);
        }

        @Override
        public void getStreamTypeInfo(FlightSql.CommandGetXdbcTypeInfo request, CallContext context, ServerStreamListener listener) {
            answer(listener, () -> FlightSqlTypeInfo.send(request, allocator, listener));
        }

        @Override
        public Runnable acceptPutStatement(FlightSql.CommandStatementUpdate command, CallContext context, FlightStream flightStream,
                                           StreamListener<PutResult> ackStream) {
            throw readOnly(command.getQuery());
        }

        @Override
        public Runnable acceptPutPreparedStatementUpdate(FlightSql.CommandPreparedStatementUpdate command, CallContext context,
                                                         FlightStream flightStream, StreamListener<PutResult> ackStream) {
            throw readOnly(command.getPreparedStatementHandle().toString(StandardCharsets.UTF_8));
        }

        private static RuntimeException readOnly(String sql) {
            return CallStatus.INVALID_ARGUMENT.withDescription("Rhei is a read-only copy of PostgreSQL: write to PostgreSQL instead "
                    + "(refused: " + sql + ")").toRuntimeException();
        }

        private static void closeQuietly(ArrowReader reader) {
            try {
                reader.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("releasing an unread query result: {}", e.getMessage());
            }
        }

        void releaseAbandoned() {
            long now = System.currentTimeMillis();
            pending.entrySet().removeIf(e -> {
                if (now - e.getValue().createdMillis() > ABANDONED_AFTER_MS) {
                    closeQuietly(e.getValue().reader());
                    return true;
                }
                return false;
            });
        }

        @Override
        public void close() {
            pending.values().forEach(p -> closeQuietly(p.reader()));
            pending.clear();
            // gRPC releases the buffers of the last messages it wrote shortly after the call ends
            long deadline = System.currentTimeMillis() + 5000;
            while (allocator.getAllocatedMemory() > 0 && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            allocator.close();
        }
    }
}
