package io.rhei.cli;

import io.rhei.core.RheiException;
import io.rhei.core.engine.SyncEngine;
import io.rhei.core.engine.SyncEngineConfig;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.model.TableId;
import io.rhei.storage.StorageConfig;
import io.rhei.storage.TableSnapshot;
import io.rhei.storage.TableStorage;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code rhei replay --log DIR --storage URI}: rebuilds OLAP tables from the change log alone. Each table stores
 * the sequence it has applied with its data, so an interrupted replay simply continues where its tables stand
 * when run again, and a finished one is a no-op.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Rebuilds OLAP tables (Vortex storage) from a change log; resumes where it stopped when run again.")
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--log", required = true, description = "the change log directory (log.dir of the sidecar that recorded it)")
    Path logDir;

    @Option(names = "--storage", required = true, description = "where the tables go: a local directory or s3://bucket/prefix")
    String storage;

    @Option(names = "--until-seq", description = "stop after this log sequence (default: the end of the log)")
    Long untilSeq;

    @Option(names = "--s3-endpoint", description = "S3-compatible endpoint (default: AWS_ENDPOINT_URL, else AWS)")
    String s3Endpoint;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        StorageConfig config = StorageConfig.defaults().withUri(storage);
        if (config.inMemory()) {
            throw new RheiException("replay needs durable storage (a directory or s3://bucket/prefix): tables in memory would be lost at exit");
        }
        if (s3Endpoint != null) {
            config = new StorageConfig(config.uri(), config.compactionMaxFiles(), config.compactionTargetRows(), config.compactionMaxDeleted(),
                    config.gcGrace(), s3Endpoint, config.s3Region());
        }
        if (!Files.isDirectory(logDir)) {
            throw new RheiException("no change log at " + logDir.toAbsolutePath() + " (give the log.dir of the sidecar that recorded it)");
        }
        try (RootAllocator allocator = new RootAllocator();
             ChronicleChangeLog log = ChronicleChangeLog.open(logDir);
             TableStorage tables = config.open(allocator)) {
            long end = untilSeq == null ? log.lastSeq() : Math.min(untilSeq, log.lastSeq());
            long from = startingPoint(tables, log);
            if (from > end) {
                out.printf(Locale.ROOT, "nothing to replay: the tables in %s are at sequence %,d, the log ends at %,d%n", storage, from - 1, end);
                summary(tables);
                return 0;
            }
            out.printf(Locale.ROOT, "replaying %s sequences %,d..%,d into %s%n", logDir, from, end, storage);
            SyncEngine engine = SyncEngine.builder(log, tables).config(SyncEngineConfig.defaults()).build();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    engine.runUntil(end);
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "rhei-replay");
            Thread hook = new Thread(() -> {
                engine.stop(); // applies what is pending; the next replay continues from there
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "rhei-replay-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            long t0 = System.nanoTime();
            worker.start();
            Progress progress = new Progress(out, end - from + 1);
            while (worker.isAlive()) {
                worker.join(1000);
                progress.show(engine.metrics().eventsRead(), (System.nanoTime() - t0) / 1e9);
            }
            Runtime.getRuntime().removeShutdownHook(hook);
            progress.done(engine.metrics().eventsRead(), (System.nanoTime() - t0) / 1e9);
            if (failure.get() != null) {
                out.println("replay stopped: " + failure.get().getMessage());
                out.println("what was applied is kept; fix the cause and run the same command to continue");
                return 1;
            }
            summary(tables);
            return 0;
        }
    }

    /** The first sequence no table has applied (tables record their applied sequence with their data). */
    private static long startingPoint(TableStorage tables, ChronicleChangeLog log) {
        long min = Long.MAX_VALUE;
        for (TableId t : tables.tables()) {
            min = Math.min(min, tables.appliedSeq(t));
        }
        return min == Long.MAX_VALUE ? Math.max(1, log.firstSeq()) : min + 1;
    }

    private void summary(TableStorage tables) {
        out.printf(Locale.ROOT, "%-32s %16s %14s %8s%n", "table", "applied sequence", "rows", "files");
        for (TableId t : new TreeSet<>(tables.tables())) {
            try (TableSnapshot s = tables.snapshot(t)) {
                out.printf(Locale.ROOT, "%-32s %,16d %,14d %8d%n", t, s.appliedSeq(), s.rowCount(), s.fileCount());
            }
        }
    }

    /** One line, rewritten in place: a bar, events, rate and time left. */
    private static final class Progress {
        private final PrintStream out;
        private final long total;

        Progress(PrintStream out, long total) {
            this.out = out;
            this.total = Math.max(1, total);
        }

        void show(long done, double seconds) {
            double rate = seconds > 0 ? done / seconds : 0;
            double fraction = Math.min(1, (double) done / total);
            int filled = (int) (fraction * 30);
            String eta = rate > 0 ? String.format(Locale.ROOT, "%.0f s", (total - done) / rate) : "?";
            out.printf(Locale.ROOT, "\r[%s%s] %3.0f%%  %,d/%,d events  %,.0f ev/s  ETA %s   ", "#".repeat(filled), ".".repeat(30 - filled),
                    fraction * 100, done, total, rate, eta);
            out.flush();
        }

        void done(long done, double seconds) {
            show(done, seconds);
            out.printf(Locale.ROOT, "%nread %,d events in %.1f s%n", done, seconds);
        }
    }
}
