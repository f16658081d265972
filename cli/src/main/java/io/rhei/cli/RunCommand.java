package io.rhei.cli;

import io.rhei.Rhei;
import io.rhei.RheiConfig;
import io.rhei.core.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code rhei run --config rhei.properties}: the sidecar next to an existing PostgreSQL. Captures the configured
 * tables, syncs them, serves Flight SQL queries (authenticated) and {@code /metrics}: {@link Rhei#fromSettings}, run
 * until Ctrl-C. The keys are {@link RheiConfig#KEYS}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the sidecar next to an existing PostgreSQL: capture, sync, Flight SQL queries and /metrics.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", required = true, description = "the configuration file (properties; RHEI_* environment variables override keys)")
    Path config;

    /** Counted down when the sidecar should stop (Ctrl-C, or a test). */
    final CountDownLatch stop = new CountDownLatch(1);
    volatile Rhei running;

    @Override
    public Integer call() throws Exception {
        Settings s = Settings.load(config, System.getenv(), RheiConfig.KEYS);
        LOG.info("configuration: {}", s.describe());
        Thread hook = new Thread(stop::countDown, "rhei-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Rhei rhei = Rhei.fromSettings(s)) {
            rhei.start(); // checks the server first: wal_level, replication right, reachability
            running = rhei;
            while (!stop.await(1, TimeUnit.SECONDS)) {
                // the facade supervises capture and sync itself
            }
            LOG.info("stopping");
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
}
