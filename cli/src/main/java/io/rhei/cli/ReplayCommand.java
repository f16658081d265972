package io.rhei.cli;

import io.rhei.Replay;
import io.rhei.TableStatus;
import io.rhei.core.RheiException;
import io.rhei.storage.StorageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rhei replay --log DIR --storage URI}: rebuilds OLAP tables from the change log alone. Each table stores
 * the sequence it has applied with its data, so an interrupted replay simply continues where its tables stand
 * when run again, and a finished one is a no-op.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Rebuilds OLAP tables (Vortex storage) from a change log; resumes where it stopped when run again.")
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--log", required = true,
            description = "the change log: a directory (log.dir of the sidecar that recorded it) or kafka://host:port/topic")
    String logDir;

    @Option(names = "--storage", required = true, description = "where the tables go: a local directory or s3://bucket/prefix")
    String storage;

    @Option(names = "--until-seq", description = "stop after this log sequence (default: the end of the log)")
    Long untilSeq;

    @Option(names = "--s3-endpoint", description = "S3-compatible endpoint (default: AWS_ENDPOINT_URL, else AWS)")
    String s3Endpoint;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Replay.Builder b = Replay.builder().log(logDir).storage(storage);
        if (untilSeq != null) {
            b.untilSeq(untilSeq);
        }
        if (s3Endpoint != null) {
            b.set(StorageConfig.S3_ENDPOINT.name(), s3Endpoint);
        }
        try (Replay replay = b.build()) {
            if (replay.upToDate()) {
                out.printf(Locale.ROOT, "nothing to replay: the tables in %s are at sequence %,d, the log ends at %,d%n", storage,
                        replay.fromSeq() - 1, replay.untilSeq());
                summary(replay);
                return 0;
            }
            out.printf(Locale.ROOT, "replaying %s sequences %,d..%,d into %s%n", logDir, replay.fromSeq(), replay.untilSeq(), storage);
            Thread hook = new Thread(replay::stop, "rhei-replay-stop"); // applies what is pending; the next replay continues
            Runtime.getRuntime().addShutdownHook(hook);
            long t0 = System.nanoTime();
            Progress progress = new Progress(out, replay.untilSeq() - replay.fromSeq() + 1);
            long[] read = {0};
            try {
                replay.run(events -> {
                    read[0] = events;
                    progress.show(events, (System.nanoTime() - t0) / 1e9);
                });
            } catch (RheiException e) {
                out.println();
                out.println(e.getMessage());
                return 1;
            } finally {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            progress.done(read[0], (System.nanoTime() - t0) / 1e9);
            summary(replay);
            return 0;
        }
    }

    private void summary(Replay replay) {
        out.printf(Locale.ROOT, "%-32s %16s %14s %8s%n", "table", "applied sequence", "rows", "files");
        for (TableStatus t : replay.tables()) {
            out.printf(Locale.ROOT, "%-32s %,16d %,14d %8d%n", t.table(), t.appliedSeq(), t.rows(), replay.fileCount(t.table()));
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
