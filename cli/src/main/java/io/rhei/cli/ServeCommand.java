package io.rhei.cli;

import io.rhei.QueryReplica;
import io.rhei.RheiConfig;
import io.rhei.core.config.Settings;
import io.rhei.storage.StorageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code rhei serve --storage s3://bucket/prefix}: a query replica of the tables a writer ({@code rhei run}) keeps in
 * Vortex storage. Read-only; follows the writer's commits; serves Flight SQL, the PostgreSQL protocol and
 * {@code /metrics} with the keys of {@code rhei run} ({@code server.*}, {@code metrics.*}, {@code olap.*},
 * {@code replica.refresh-interval}), from {@code --config} or defaults. Runs until Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serves queries over a writer's Vortex storage (a query replica): read-only, following its commits.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--storage", description = "the writer's storage: a directory or s3://bucket/prefix (overrides storage.uri)")
    String storage;

    @Option(names = "--config", description = "a configuration file with the keys of rhei run (server.*, metrics.*, replica.*)")
    Path config;

    final CountDownLatch stop = new CountDownLatch(1);
    volatile QueryReplica running;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new HashMap<>();
        if (storage != null) {
            overrides.put(StorageConfig.URI.name(), storage);
        }
        Settings s = config != null ? Settings.load(config, System.getenv(), RheiConfig.KEYS) : Settings.empty().withEnvironment(System.getenv(),
                RheiConfig.KEYS);
        s = s.with(overrides);
        Thread hook = new Thread(stop::countDown, "rhei-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (QueryReplica replica = QueryReplica.start(s)) {
            running = replica;
            stop.await();
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
