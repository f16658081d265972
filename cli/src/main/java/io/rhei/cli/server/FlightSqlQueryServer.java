package io.rhei.cli.server;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.rhei.core.RheiException;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeResultReader;
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
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
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
 */
public final class FlightSqlQueryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlightSqlQueryServer.class);
    private static final long ABANDONED_AFTER_MS = TimeUnit.MINUTES.toMillis(5);

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

    public static FlightSqlQueryServer start(DataFusionOlapEngine engine, BufferAllocator parent, String host, int port,
                                             Credentials credentials) {
        BufferAllocator allocator = parent.newChildAllocator("rhei-flight-sql", 0, Long.MAX_VALUE);
        Producer producer = new Producer(engine, allocator);
        FlightServer.Builder b = FlightServer.builder(allocator, Location.forGrpcInsecure(host, port), producer);
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
            FlightServer server = b.build().start();
            LOG.info("Flight SQL server listening on {}:{} ({})", host, server.getPort(), credentials == null ? "no authentication" : "user/password");
            return new FlightSqlQueryServer(server, producer);
        } catch (IOException e) {
            allocator.close();
            throw new RheiException("cannot start the Flight SQL server on " + host + ":" + port + ": " + e.getMessage()
                    + " (is the port in use? choose another with --flight-port)", e);
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
        private record Pending(NativeResultReader reader, long createdMillis, long startedNanos) {
        }

        private final DataFusionOlapEngine engine;
        private final BufferAllocator allocator;
        private final Map<String, Pending> pending = new ConcurrentHashMap<>();
        private final QueryStats stats = new QueryStats();

        Producer(DataFusionOlapEngine engine, BufferAllocator allocator) {
            this.engine = engine;
            this.allocator = allocator;
        }

        @Override
        public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
            return start(command.getQuery(), descriptor);
        }

        @Override
        public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
                                                         FlightDescriptor descriptor) {
            return start(command.getPreparedStatementHandle().toString(StandardCharsets.UTF_8), descriptor);
        }

        private FlightInfo start(String sql, FlightDescriptor descriptor) {
            NativeResultReader reader;
            VectorSchemaRoot root;
            long started = System.nanoTime();
            try {
                reader = engine.execute(sql, allocator);
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

        @Override
        public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
            Pending p = pending.remove(ticket.getStatementHandle().toString(StandardCharsets.UTF_8));
            if (p == null) {
                listener.error(CallStatus.NOT_FOUND.withDescription("no such query (already read, or released after 5 minutes)").toRuntimeException());
                return;
            }
            NativeResultReader reader = p.reader();
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
            org.apache.arrow.vector.types.pojo.Schema schema;
            try {
                schema = engine.validate(sql);
            } catch (RuntimeException e) {
                listener.onError(CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).toRuntimeException());
                return;
            }
            // Stateless: the handle is the SQL itself. The dataset schema marks it a query (clients treat a
            // statement without one as an update).
            java.io.ByteArrayOutputStream ipc = new java.io.ByteArrayOutputStream();
            try {
                org.apache.arrow.vector.ipc.message.MessageSerializer.serialize(
                        new org.apache.arrow.vector.ipc.WriteChannel(java.nio.channels.Channels.newChannel(ipc)), schema);
            } catch (IOException e) {
                listener.onError(CallStatus.INTERNAL.withDescription("serialising the result schema: " + e.getMessage()).toRuntimeException());
                return;
            }
            FlightSql.ActionCreatePreparedStatementResult result = FlightSql.ActionCreatePreparedStatementResult.newBuilder()
                    .setPreparedStatementHandle(ByteString.copyFromUtf8(sql)).setDatasetSchema(ByteString.copyFrom(ipc.toByteArray())).build();
            listener.onNext(new Result(Any.pack(result).toByteArray()));
            listener.onCompleted();
        }

        @Override
        public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
                                           StreamListener<Result> listener) {
            listener.onCompleted();
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

        private static void closeQuietly(NativeResultReader reader) {
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
