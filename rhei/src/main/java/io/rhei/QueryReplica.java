package io.rhei;

import io.rhei.core.RheiException;
import io.rhei.core.config.ConfigKey;
import io.rhei.core.config.Settings;
import io.rhei.core.metrics.LatencyHistogram;
import io.rhei.core.model.TableId;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.server.FlightSqlQueryServer;
import io.rhei.server.MetricsHttpServer;
import io.rhei.server.MetricsHttpServer.Sample;
import io.rhei.server.ServerConfig;
import io.rhei.server.pg.PgWireServer;
import io.rhei.storage.StorageConfig;
import io.rhei.storage.TableStorage;
import io.rhei.storage.VortexStorage;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A query-only server over the tables a Rhei writer keeps in Vortex storage (a directory or {@code s3://}), never
 * writing: {@code rhei serve}. It opens the storage read-only, serves Flight SQL and the PostgreSQL protocol, and
 * follows the writer by looking for newer manifests every {@code replica.refresh-interval}
 * ({@link VortexStorage#refresh}): each table moves forward only, from one committed state to a later one, and a
 * running query keeps the state it started with. Files the writer's compaction retires stay for
 * {@code storage.gc.grace} (the writer's setting): a query on a replica must finish within it.
 *
 * <p>Thread model: one scheduled thread refreshes; the servers' threads query.
 */
public final class QueryReplica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryReplica.class);
    public static final ConfigKey REFRESH_INTERVAL = ConfigKey.of("replica.refresh-interval", "1s",
            "`rhei serve`: how often a query replica looks for its writer's newer commits");
    public static final List<ConfigKey> KEYS = List.of(REFRESH_INTERVAL);

    private final RootAllocator allocator = new RootAllocator();
    private final VortexStorage storage;
    private final DataFusionOlapEngine engine;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rhei-replica-refresh");
        t.setDaemon(true);
        return t;
    });
    /** Writer's commit written to this replica serving it, for commits seen by a refresh. */
    private final LatencyHistogram lag = new LatencyHistogram();
    private final AtomicLong refreshes = new AtomicLong();
    private final AtomicLong refreshFailures = new AtomicLong();
    private volatile long lastRefreshMillis;
    private volatile String lastFailure;
    private FlightSqlQueryServer flight;
    private PgWireServer pg;
    private MetricsHttpServer metrics;

    private QueryReplica(Settings settings) {
        StorageConfig storageConfig = StorageConfig.from(settings);
        if (storageConfig.inMemory()) {
            throw new RheiException("rhei serve needs the writer's storage: storage.uri must be a directory or s3://bucket/prefix, not memory:");
        }
        TableStorage opened = storageConfig.openReadOnly(allocator);
        this.storage = (VortexStorage) opened;
        this.engine = new DataFusionOlapEngine(storage, NativeQueryOptions.from(settings));
    }

    /** Opens the storage and starts the servers and the refresher, as the settings say (the keys of {@code rhei run}). */
    public static QueryReplica start(Settings settings) {
        settings.check("configuration", RheiConfig.KEYS);
        QueryReplica r = new QueryReplica(settings);
        try {
            r.serve(ServerConfig.from(settings), settings.getDuration(REFRESH_INTERVAL));
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void serve(ServerConfig servers, Duration interval) {
        lastRefreshMillis = System.currentTimeMillis();
        refresher.scheduleWithFixedDelay(this::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        flight = FlightSqlQueryServer.start(engine, allocator, servers.host(), servers.port(), servers.credentials());
        if (servers.pgPort() > 0) {
            pg = PgWireServer.start(engine, allocator, servers.host(), servers.pgPort(), servers.credentials() == null ? PgWireServer.Auth.NONE
                    : new PgWireServer.Auth(servers.credentials().user(), servers.credentials().password()));
        }
        metrics = MetricsHttpServer.start(servers.metricsHost(), servers.metricsPort(), this::samples, this::health);
        LOG.info("query replica of {} serving {} tables: Flight SQL on port {}, PostgreSQL protocol on port {}, metrics on port {}; "
                        + "looking for newer commits every {} ms", storage.describe(), storage.tables().size(), flight.port(),
                pg == null ? "(off)" : pg.port(), metrics.port(), interval.toMillis());
    }

    /** One look for the writer's newer commits; a failure (storage unreachable) is logged and retried, the server stays up. */
    void refresh() {
        try {
            VortexStorage.Refresh r = storage.refresh();
            refreshes.incrementAndGet();
            lastRefreshMillis = System.currentTimeMillis();
            lastFailure = null;
            if (r.tablesMoved() > 0) {
                lag.record(r.oldestCommitAgeMillis() * 1000);
                LOG.debug("replica moved {} tables forward (oldest commit {} ms old)", r.tablesMoved(), r.oldestCommitAgeMillis());
            }
        } catch (RuntimeException e) {
            refreshFailures.incrementAndGet();
            if (lastFailure == null) {
                LOG.warn("query replica cannot read {}: {}; serving the last state and trying again", storage.describe(), e.getMessage());
            }
            lastFailure = e.getMessage();
        }
    }

    private String health() {
        long age = System.currentTimeMillis() - lastRefreshMillis;
        return lastFailure == null ? null : "stale for " + age / 1000 + " s: " + lastFailure;
    }

    private List<Sample> samples() {
        List<Sample> out = new ArrayList<>();
        out.add(Sample.counter("rhei_replica_refreshes_total", refreshes.get(), "Looks for the writer's newer commits"));
        out.add(Sample.counter("rhei_replica_refresh_failures_total", refreshFailures.get(), "Looks that could not read the storage"));
        out.add(Sample.gauge("rhei_replica_seconds_since_refresh", (System.currentTimeMillis() - lastRefreshMillis) / 1000.0,
                "Seconds since the replica last read the writer's state"));
        for (int q : new int[] {50, 99}) {
            out.add(new Sample("rhei_replica_lag_seconds", Map.of("quantile", "0." + q), lag.percentile(q) / 1e6, "gauge",
                    "A commit of the writer (its manifest written) to this replica serving it"));
        }
        for (TableId t : storage.tables()) {
            out.add(new Sample("rhei_table_applied_seq", Map.of("table", t.toString()), storage.appliedSeq(t), "gauge",
                    "Last change log sequence applied to a table, as this replica serves it"));
        }
        return out;
    }

    public int flightPort() {
        return flight.port();
    }

    /** The PostgreSQL protocol's port, or -1 when it is off. */
    public int pgPort() {
        return pg == null ? -1 : pg.port();
    }

    public int metricsPort() {
        return metrics.port();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        if (metrics != null) {
            metrics.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (flight != null) {
            try {
                flight.close();
            } catch (Exception e) {
                LOG.warn("closing Flight SQL: {}", e.getMessage());
            }
        }
        try {
            refresher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close();
        allocator.close();
    }
}
