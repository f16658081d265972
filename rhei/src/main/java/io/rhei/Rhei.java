package io.rhei;

import io.rhei.cdc.PostgresCdcSource;
import io.rhei.cdc.PostgresSourceConfig;
import io.rhei.cdc.ResyncSignal;
import io.rhei.cdc.SlotMonitor;
import io.rhei.core.RheiException;
import io.rhei.core.config.Settings;
import io.rhei.core.engine.SyncEngine;
import io.rhei.core.engine.SyncEngineConfig;
import io.rhei.core.engine.SyncMetrics;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.core.model.Lsn;
import io.rhei.core.model.TableId;
import io.rhei.core.query.QueryEngine;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.server.FlightSqlQueryServer;
import io.rhei.server.MetricsHttpServer;
import io.rhei.server.ServerConfig;
import io.rhei.storage.StorageConfig;
import io.rhei.storage.TableSnapshot;
import io.rhei.storage.TableStorage;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Rhei embedded: keeps analytical copies of PostgreSQL tables current inside this JVM and answers SQL over them.
 *
 * <pre>{@code
 * try (Rhei rhei = Rhei.builder()
 *         .source(PostgresSource.builder().jdbcUrl(url).user("rhei").password(pw).tables("public\\.(orders|customers)").build())
 *         .log(Path.of("/var/lib/app/rhei-log"))
 *         .storage("memory:")
 *         .onFailure(e -> alerts.raise(e))
 *         .build()) {
 *     rhei.start();
 *     rhei.awaitCaughtUp(Duration.ofSeconds(30));
 *     try (QueryResult r = rhei.query("select status, count(*) from orders group by status")) { ... }
 * }
 * }</pre>
 *
 * <p><b>Read-your-writes.</b> After committing on its own connection, a service reads {@code pg_current_wal_insert_lsn()}
 * there and calls {@link #awaitApplied(String, Duration)}; the next query sees the commit.
 *
 * <p><b>Threads.</b> {@link #start()} starts: {@code rhei-cdc} (Debezium's capture, appending to the change log),
 * {@code rhei-resync-requests}, {@code rhei-sync} (applies the log to the tables), {@code rhei-supervisor} (once a
 * second: restarts a failed capture or sync with backoff, 1 s doubling to 60 s, and watches the replication slot),
 * and, when asked for, the Flight SQL ({@code grpc-*}), PostgreSQL protocol ({@code nioEventLoopGroup-*}, {@code rhei-pg-query})
 * and metrics ({@code rhei-metrics-*}) servers. Queries run on
 * the caller's thread (plus {@code rhei-query-share} threads for parallel aggregations). {@link Builder#onFailure}
 * callbacks run on {@code rhei-supervisor}, once per failure, and must not block. Every method is thread-safe.
 *
 * <p><b>Closing.</b> {@link #close()} stops in dependency order: servers, supervisor, capture, sync (which applies
 * what it has read), tables, log; then checks that no Arrow memory is left.
 */
public final class Rhei implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rhei.class);
    private static final Duration SLOT_POLL = Duration.ofSeconds(5);

    private final Settings settings;
    private final PostgresSourceConfig sourceConfig;
    private final SyncEngineConfig engineConfig;
    private final Duration slotStallTimeout;
    private final ServerConfig servers;
    private final Consumer<Throwable> onFailure;
    private final BufferAllocator allocator = new RootAllocator();
    private final ChangeLog log;
    private final DataFusionOlapEngine olap;
    private final Freshness freshness;
    private final RestartBackoff captureRestarts = new RestartBackoff("capture");
    private final RestartBackoff syncRestarts = new RestartBackoff("sync");
    private final AtomicLong queryAllocators = new AtomicLong();
    private volatile PostgresCdcSource source;
    private volatile SyncEngine engine;
    private volatile SlotMonitor slots;
    private volatile Throwable captureStartFailure;
    private volatile Throwable reportedCaptureFailure;
    private volatile Throwable reportedSyncFailure;
    private volatile boolean started;
    /** Latched once the initial snapshot is done and the sync has caught up: later lag under load is not "starting". */
    private volatile boolean initialSyncDone;
    private volatile boolean closed;
    private Thread supervisor;
    private FlightSqlQueryServer flight;
    private io.rhei.server.pg.PgWireServer pgServer;
    private MetricsHttpServer metricsServer;

    private Rhei(Settings settings, PostgresSourceConfig sourceConfig, ServerConfig servers, Consumer<Throwable> onFailure) {
        this.settings = settings;
        this.sourceConfig = sourceConfig;
        this.servers = servers;
        this.onFailure = onFailure;
        this.engineConfig = SyncEngineConfig.from(settings);
        this.slotStallTimeout = settings.getDuration(PostgresSourceConfig.SLOT_STALL_TIMEOUT);
        TableStorage storage = StorageConfig.from(settings).open(allocator);
        this.olap = new DataFusionOlapEngine(storage, NativeQueryOptions.from(settings));
        this.log = ChangeLogs.open(settings);
        this.source = new PostgresCdcSource(sourceConfig, log);
        this.engine = SyncEngine.builder(log, olap).config(engineConfig).build();
        this.freshness = new Freshness(() -> source, () -> engine.appliedThroughSeq());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Rhei configured by exactly the keys {@code rhei run} reads (README, Configuration), serving Flight SQL and
     * {@code /metrics} as the sidecar does. An unknown key is an error naming the nearest known one.
     */
    public static Rhei fromProperties(Properties properties) {
        return fromSettings(Settings.fromProperties(properties, "configuration", RheiConfig.KEYS));
    }

    /** Like {@link #fromProperties}, from settings already checked (the CLI's file and environment). */
    public static Rhei fromSettings(Settings settings) {
        settings.check("configuration", RheiConfig.KEYS);
        Path logDir = ChronicleLogConfig.from(settings).directory();
        return new Rhei(settings, PostgresSourceConfig.from(settings, logDir), ServerConfig.from(settings), null);
    }

    /** Builds an embedded Rhei; anything not set takes its key's default. */
    public static final class Builder {
        private PostgresSource source;
        private Path log;
        private String storage;
        private final Map<String, String> keys = new HashMap<>();
        private Consumer<Throwable> onFailure;
        private boolean serve;

        private Builder() {
        }

        public Builder source(PostgresSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** The change log's directory ({@code log.dir}). */
        public Builder log(Path directory) {
            this.log = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** {@code memory:}, a directory, or {@code s3://bucket/prefix} ({@code storage.uri}). */
        public Builder storage(String uri) {
            this.storage = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** Any other key (README, Configuration), e.g. {@code sync.batch.max-delay}; checked when {@link #build()} runs. */
        public Builder set(String key, String value) {
            keys.put(key, value);
            return this;
        }

        /** Called on Rhei's supervisor thread when capture or sync stops on a failure (Rhei restarts it). */
        public Builder onFailure(Consumer<Throwable> callback) {
            this.onFailure = callback;
            return this;
        }

        /** Also serve Flight SQL and {@code /metrics} as configured by the {@code server.*} and {@code metrics.*} keys. */
        public Builder serve() {
            this.serve = true;
            return this;
        }

        public Rhei build() {
            if (source == null) {
                throw new RheiException("Rhei.builder(): set the source (PostgresSource.builder()...build())");
            }
            if (log == null) {
                throw new RheiException("Rhei.builder(): set the log directory (.log(Path))");
            }
            Map<String, String> all = new HashMap<>(keys);
            all.putAll(source.keys());
            all.put(ChronicleLogConfig.DIR.name(), log.toString());
            if (storage != null) {
                all.put(StorageConfig.URI.name(), storage);
            }
            Settings settings = Settings.of(all);
            settings.check("Rhei.builder()", RheiConfig.KEYS);
            return new Rhei(settings, PostgresSourceConfig.from(settings, log), serve ? ServerConfig.from(settings) : null, onFailure);
        }
    }

    /**
     * Checks the server (wal_level, the replication right, reachability: a clear error if not), then starts sync,
     * capture, the supervisor and the servers. Returns at once; the initial snapshot runs in the background.
     */
    public synchronized void start() throws InterruptedException {
        if (started) {
            throw new IllegalStateException("Rhei is already started");
        }
        started = true;
        engine.start();
        source.start();
        slots = new SlotMonitor(sourceConfig, SLOT_POLL, slotStallTimeout);
        supervisor = new Thread(this::supervise, "rhei-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
        if (servers != null) {
            flight = FlightSqlQueryServer.start(olap, freshness, allocator, servers.host(), servers.port(), servers.credentials(), servers.tls());
            if (servers.pgPort() > 0) {
                pgServer = io.rhei.server.pg.PgWireServer.start(olap, freshness, allocator, servers.host(), servers.pgPort(), servers.credentials() == null
                        ? io.rhei.server.pg.PgWireServer.Auth.NONE
                        : new io.rhei.server.pg.PgWireServer.Auth(servers.credentials().user(), servers.credentials().password()), servers.tls());
            }
            metricsServer = MetricsHttpServer.start(servers.metricsHost(), servers.metricsPort(), new RheiMetrics(this, flight)::samples,
                    () -> {
                        Health h = health();
                        return h.isHealthy() ? null : h.status().name().toLowerCase() + ": " + h.detail();
                    }, () -> supervisor.isAlive() && !closed);
            LOG.info("rhei is running: Flight SQL on port {}, PostgreSQL protocol on port {}, metrics on port {}", flight.port(),
                    pgServer == null ? "(off)" : pgServer.port(), metricsServer.port());
        }
    }

    /**
     * Waits until the initial snapshot is done and everything PostgreSQL had committed when this was called is
     * applied.
     *
     * @throws RheiException when {@code timeout} passes first, saying how far the sync got
     */
    public void awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitApplied(currentWalLsn(), timeout);
        while (source.metrics().snapshotTablesRemaining() > 0) {
            if (System.nanoTime() > deadline) {
                throw new RheiException("the initial snapshot was not done within " + timeout.toMillis() + " ms: "
                        + source.metrics().snapshotTablesRemaining() + " of " + source.metrics().snapshotTablesTotal() + " tables still to read");
            }
            Thread.sleep(20);
        }
        awaitApplied(currentWalLsn(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }

    /**
     * Read-your-writes: returns once every change PostgreSQL committed at or before {@code lsn} is applied, so the
     * next {@link #query} sees it. {@code lsn} is what {@code pg_current_wal_insert_lsn()} returned on the writer's own
     * connection after its commit ({@code pg_current_wal_lsn()} is the position written, which with
     * {@code synchronous_commit=off} can be behind a commit that has returned). An LSN of a commit to a table Rhei does not capture returns as soon as everything
     * before it is applied.
     *
     * @param lsn as PostgreSQL prints it, e.g. {@code 16/B374D848}
     * @throws RheiException when {@code timeout} passes first, with how far capture and sync are
     */
    public void awaitApplied(String lsn, Duration timeout) throws InterruptedException {
        awaitApplied(Lsn.parse(lsn), timeout);
    }

    /** {@link #awaitApplied(String, Duration)} with the LSN as a number ({@code pg_lsn - '0/0'}). */
    public void awaitApplied(long lsn, Duration timeout) throws InterruptedException {
        requireStarted();
        freshness.awaitApplied(lsn, timeout);
    }

    /** Runs a query (PostgreSQL's dialect) on the caller's thread; the caller closes the result. */
    public QueryResult query(String sql) {
        BufferAllocator child = allocator.newChildAllocator("query-" + queryAllocators.incrementAndGet(), 0, Long.MAX_VALUE);
        try {
            return new QueryResult(olap.query(sql, child), child);
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** The optimised logical plan and the native plan of {@code sql}, as text. */
    public String explain(String sql) {
        // planned as a query is, counting the column statistics its estimates need, so it shows the plan that runs
        try (BufferAllocator child = allocator.newChildAllocator("explain-" + queryAllocators.incrementAndGet(), 0, Long.MAX_VALUE)) {
            return olap.explain(sql, child);
        }
    }

    /** The query engine itself, for servers built on it (it reads the same tables). */
    public QueryEngine queryEngine() {
        return olap;
    }

    /** Read-your-writes for servers built on {@link #queryEngine()}. */
    public io.rhei.core.query.Freshness freshness() {
        return freshness;
    }

    /** The Flight SQL port, when serving ({@link Builder#serve()} or {@link #fromProperties}); -1 otherwise. */
    public int flightSqlPort() {
        return flight == null ? -1 : flight.port();
    }

    /** The PostgreSQL protocol port, when serving it ({@code server.pg-port} not 0); -1 otherwise. */
    public int pgPort() {
        return pgServer == null ? -1 : pgServer.port();
    }

    /** The {@code /metrics} port, when serving; -1 otherwise. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /** Healthy once caught up and capture and sync run; degraded while a part is being restarted or the slot stalls. */
    public Health health() {
        Throwable capture = captureStartFailure != null ? captureStartFailure : source.failure();
        if (capture != null) {
            return new Health(Health.Status.DEGRADED, "capture stopped (restarting): " + capture.getMessage());
        }
        Throwable sync = engine.failure();
        if (sync != null) {
            return new Health(Health.Status.DEGRADED, "sync stopped (restarting): " + sync.getMessage());
        }
        String slot = slots == null ? null : slots.problem();
        if (slot != null) {
            return new Health(Health.Status.DEGRADED, slot);
        }
        if (!initialSyncDone) {
            long remaining = started ? source.metrics().snapshotTablesRemaining() : -1;
            if (!started || remaining > 0) {
                return new Health(Health.Status.STARTING, remaining > 0 ? "the initial snapshot is reading tables: " + remaining + " of "
                        + source.metrics().snapshotTablesTotal() + " still to read" : "not started");
            }
            if (!(log.lastSeq() > 0 && engine.caughtUp())) {
                return new Health(Health.Status.STARTING, "the initial snapshot is read; the sync is applying it");
            }
            initialSyncDone = true;
        }
        return new Health(Health.Status.HEALTHY, "capturing and applying");
    }

    /** Every synced table: rows, applied sequence and LSN, and whether it is paused. */
    public List<TableStatus> tables() {
        Map<TableId, SyncMetrics.TableFigures> figures = engine.metrics().tables();
        long appliedThrough = engine.appliedThroughSeq();
        String lsn = Lsn.format(freshness.appliedLsn());
        List<TableStatus> out = new ArrayList<>();
        for (TableId t : new java.util.TreeSet<>(olap.tables())) {
            long rows;
            try (TableSnapshot s = olap.storage().snapshot(t)) {
                rows = s.rowCount();
            }
            SyncMetrics.TableFigures f = figures.get(t);
            String paused = f == null ? null : f.pausedReason();
            out.add(new TableStatus(t.toString(), rows, olap.appliedSeq(t), paused == null && olap.appliedSeq(t) <= appliedThrough ? lsn : "0/0",
                    paused));
        }
        return out;
    }

    /** How far the initial snapshot is: rows per table against PostgreSQL's estimates, the rate and the time left. */
    public SnapshotProgress snapshotProgress() {
        io.rhei.cdc.CdcMetrics m = source.metrics();
        java.util.Map<TableId, Long> read = m.snapshotRowsByTable();
        java.util.Map<TableId, Long> estimated = m.snapshotEstimates();
        java.util.TreeSet<TableId> all = new java.util.TreeSet<>(java.util.Comparator.comparing(Object::toString));
        all.addAll(read.keySet());
        all.addAll(estimated.keySet());
        List<SnapshotProgress.Table> tables = new ArrayList<>();
        long rowsRead = 0;
        long rowsEstimated = 0;
        long rowsLeft = 0;
        for (TableId t : all) {
            long r = read.getOrDefault(t, 0L);
            long e = estimated.getOrDefault(t, -1L);
            tables.add(new SnapshotProgress.Table(t.toString(), r, e));
            rowsRead += r;
            rowsEstimated += Math.max(0, e);
            rowsLeft += Math.max(0, e - r);
        }
        double rate = m.snapshotRowsPerSecond();
        int remaining = m.snapshotTablesRemaining();
        long secondsLeft = remaining == 0 ? 0 : rate > 0 && !estimated.isEmpty() ? Math.round(rowsLeft / rate) : -1;
        return new SnapshotProgress(m.snapshotTablesTotal(), remaining, rowsRead, rowsEstimated, rate, secondsLeft, tables);
    }

    /** Tables of the resumable initial snapshot not read completely yet (0 once it is done, or when there is none). */
    public long snapshotTablesRemaining() {
        return source.metrics().snapshotTablesRemaining();
    }

    /** Reads {@code table} ({@code schema.table}) from PostgreSQL again, replacing the copy; queries go on meanwhile. */
    public String resync(String table) {
        requireStarted();
        TableId id = TableId.parse(table.contains(".") ? table : "public." + table);
        return ResyncSignal.send(sourceConfig, List.of(id));
    }

    /** The current figures (capture, apply, lag, tables, queries), as the {@code /metrics} endpoint serves them. */
    public List<MetricsHttpServer.Sample> metrics() {
        return new RheiMetrics(this, flight).samples();
    }

    /** Registers these figures with a Micrometer registry (gauges read on each scrape). */
    public void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
        new MicrometerBinding(this).bindTo(registry);
    }

    PostgresCdcSource source() {
        return source;
    }

    SyncEngine engine() {
        return engine;
    }

    SlotMonitor slots() {
        return slots;
    }

    ChangeLog log() {
        return log;
    }

    DataFusionOlapEngine olap() {
        return olap;
    }

    long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    long appliedLsn() {
        return freshness.appliedLsn();
    }

    /** The server's current WAL position, on a connection of its own. */
    private long currentWalLsn() {
        try (Connection c = sourceConfig.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        } catch (SQLException e) {
            throw new RheiException("cannot read the current WAL position of " + sourceConfig.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    private void requireStarted() {
        if (!started || closed) {
            throw new IllegalStateException(closed ? "Rhei is closed" : "call start() first");
        }
    }

    /** The supervisor's loop: once a second, restart what failed. */
    private void supervise() {
        while (!closed) {
            try {
                Thread.sleep(1000);
                superviseOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("supervising capture and sync: {}", e.getMessage(), e);
            }
        }
    }

    /**
     * Restarts capture or sync when it has stopped on a failure (PostgreSQL restarting or unreachable, the log's disk
     * full, storage unreachable...), with a growing pause between attempts, while queries go on from what is synced.
     * Both resume exactly where they stopped: capture from Debezium's offsets (the log drops what it already holds),
     * sync from each table's applied sequence.
     */
    private synchronized void superviseOnce() throws InterruptedException {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        Throwable captureFailure = captureStartFailure != null ? captureStartFailure : source.failure();
        if (captureFailure != null) {
            report(captureFailure, true);
            if (captureRestarts.due(now, "capture stopped: " + captureFailure.getMessage())) {
                source.close();
                PostgresCdcSource next = new PostgresCdcSource(sourceConfig, log);
                source = next;
                try {
                    next.start();
                    captureStartFailure = null;
                } catch (RuntimeException e) {
                    captureStartFailure = e;
                }
            }
        } else {
            captureRestarts.healthy(now);
        }
        Throwable syncFailure = engine.failure();
        if (syncFailure != null) {
            report(syncFailure, false);
            if (syncRestarts.due(now, "sync stopped: " + syncFailure.getMessage())) {
                SyncEngine next = SyncEngine.builder(log, olap).config(engineConfig).build();
                engine = next;
                next.start();
            }
        } else {
            syncRestarts.healthy(now);
        }
    }

    private void report(Throwable failure, boolean capture) {
        if (onFailure == null || failure == (capture ? reportedCaptureFailure : reportedSyncFailure)) {
            return;
        }
        if (capture) {
            reportedCaptureFailure = failure;
        } else {
            reportedSyncFailure = failure;
        }
        try {
            onFailure.accept(failure);
        } catch (RuntimeException e) {
            LOG.warn("the onFailure callback threw: {}", e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (pgServer != null) {
            pgServer.close();
        }
        if (flight != null) {
            flight.close();
        }
        if (supervisor != null) {
            supervisor.interrupt();
            try {
                supervisor.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (slots != null) {
            slots.close();
        }
        source.close();
        engine.stop();
        olap.close();
        log.close();
        if (allocator.getAllocatedMemory() != 0) {
            LOG.warn("{} bytes of Arrow memory still allocated at shutdown (a QueryResult not closed?): {}",
                    allocator.getAllocatedMemory(), allocator.toVerboseString());
        } else {
            allocator.close();
        }
    }
}
