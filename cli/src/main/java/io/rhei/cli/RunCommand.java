package io.rhei.cli;

import io.rhei.Rhei;
import io.rhei.RheiConfig;
import io.rhei.SnapshotProgress;
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

    /** Seconds between progress lines while the initial snapshot runs. */
    private static final int PROGRESS_SECONDS = 10;
    /** The command's own output: progress lines (logs go to stderr). */
    java.io.PrintStream out = System.out;

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
            long started = System.nanoTime();
            boolean snapshotReported = false;
            for (int second = 1; !stop.await(1, TimeUnit.SECONDS); second++) {
                // the facade supervises capture and sync itself; this only reports the initial snapshot's progress
                if (!snapshotReported) {
                    SnapshotProgress p = rhei.snapshotProgress();
                    if (p.tablesTotal() > 0 && p.done()) {
                        out.printf(java.util.Locale.ROOT, "%s, in %.0f s%n", p.describe(), (System.nanoTime() - started) / 1e9);
                        snapshotReported = true;
                    } else if (p.tablesTotal() > 0 && second % PROGRESS_SECONDS == 0) {
                        out.println(p.describe());
                    } else if (p.tablesTotal() == 0) {
                        snapshotReported = true; // no initial snapshot in this process
                    }
                }
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
