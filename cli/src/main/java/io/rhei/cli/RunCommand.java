package io.rhei.cli;

import io.rhei.cdc.PostgresSourceConfig;
import io.rhei.cli.server.FlightSqlQueryServer;
import io.rhei.cli.server.MetricsHttpServer;
import io.rhei.core.RheiException;
import io.rhei.core.config.Settings;
import io.rhei.core.engine.SyncEngineConfig;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.StorageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code rhei run --config rhei.properties}: the sidecar next to an existing PostgreSQL. Captures the configured
 * tables, syncs them into the OLAP engine, serves Flight SQL queries (authenticated) and {@code /metrics}.
 *
 * <p>Keys beyond the source, log, sync, storage and olap ones:
 * <pre>
 * server.host / server.port     Flight SQL address (default 127.0.0.1 / 47470)
 * server.user                   user clients authenticate as (default rhei)
 * server.password               their password, better from RHEI_SERVER_PASSWORD or server.password-file; required
 *                               unless server.auth=none
 * server.auth                   password (default) | none
 * metrics.host / metrics.port   /metrics and /health address (default 127.0.0.1 / 9464)
 * source.slot.stall-timeout     /health says degraded when the replication slot has not advanced this long while
 *                               PostgreSQL wrote WAL (default 5m)
 * </pre>
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the sidecar next to an existing PostgreSQL: capture, sync, Flight SQL queries and /metrics.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    static final List<String> KEYS = List.of("server.host", "server.port", "server.user", "server.password", "server.password-file",
            "server.auth", "metrics.host", "metrics.port", "source.slot.stall-timeout");

    @Option(names = "--config", required = true, description = "the configuration file (properties; RHEI_* environment variables override keys)")
    Path config;

    /** Counted down when the sidecar should stop (Ctrl-C, or a test). */
    final CountDownLatch stop = new CountDownLatch(1);
    volatile SyncPipeline running;
    volatile FlightSqlQueryServer server;
    volatile int metricsPort;

    @Override
    public Integer call() throws Exception {
        List<String> known = new ArrayList<>(KEYS);
        known.addAll(PostgresSourceConfig.KEYS);
        known.addAll(ChronicleLogConfig.KEYS);
        known.addAll(SyncEngineConfig.KEYS);
        known.addAll(StorageConfig.KEYS);
        known.addAll(NativeQueryOptions.KEYS);
        Settings s = Settings.load(config, System.getenv(), known);
        LOG.info("configuration: {}", s.describe());
        ChronicleLogConfig logConfig = ChronicleLogConfig.from(s);
        PostgresSourceConfig source = PostgresSourceConfig.from(s, logConfig.directory());
        FlightSqlQueryServer.Credentials credentials = credentials(s);
        Thread hook = new Thread(stop::countDown, "rhei-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (SyncPipeline pipeline = new SyncPipeline(source, logConfig, StorageConfig.from(s), SyncEngineConfig.from(s), NativeQueryOptions.from(s),
                s.getDuration("source.slot.stall-timeout", SyncPipeline.DEFAULT_SLOT_STALL_TIMEOUT))) {
            pipeline.start(); // checks the server first: wal_level, replication right, reachability
            try (FlightSqlQueryServer flight = FlightSqlQueryServer.start(pipeline.olap(), pipeline.allocator(),
                    s.getString("server.host", "127.0.0.1"), s.getInt("server.port", 47470), credentials);
                 MetricsHttpServer metrics = PipelineMetrics.serve(s.getString("metrics.host", "127.0.0.1"), s.getInt("metrics.port", 9464),
                         pipeline, flight)) {
                running = pipeline;
                metricsPort = metrics.port();
                server = flight;
                LOG.info("rhei is running: Flight SQL on port {}, metrics on port {}", flight.port(), metrics.port());
                while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                    pipeline.supervise(); // restarts capture or sync after a failure, with backoff
                }
                LOG.info("stopping");
            }
        } finally {
            running = null;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        return 0;
    }

    private static FlightSqlQueryServer.Credentials credentials(Settings s) throws IOException {
        String auth = s.getString("server.auth", "password");
        if (auth.equals("none")) {
            LOG.warn("server.auth=none: queries are served without authentication");
            return null;
        }
        if (!auth.equals("password")) {
            throw new RheiException("server.auth must be 'password' or 'none', got '" + auth + "'");
        }
        String password = s.get("server.password").orElse(null);
        if (password == null && s.get("server.password-file").isPresent()) {
            password = Files.readString(Path.of(s.require("server.password-file"))).strip();
        }
        if (password == null || password.isEmpty()) {
            throw new RheiException("set server.password (or RHEI_SERVER_PASSWORD, or server.password-file), or server.auth=none");
        }
        return new FlightSqlQueryServer.Credentials(s.getString("server.user", "rhei"), password);
    }
}
