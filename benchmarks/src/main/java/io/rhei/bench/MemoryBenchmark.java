package io.rhei.bench;

import io.rhei.testing.ChildJvm;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Resident memory of in-memory storage (issue 19): TPC-H at a scale factor loaded into a child JVM with the sidecar's
 * heap ({@code -Xmx2g}) and JVM options, measured after a short idle time. The baseline is the Arrow bytes the tables
 * hold, in the same process; the figure is the resident memory the load added, over them (issue 19: at most 2x), and
 * resident memory per million rows. Run with the JVM options of {@code etc/jvm.options} as they are: their periodic
 * collection gives the heap the load no longer uses back to the system once the process has been idle for 30 to 60 s.
 */
final class MemoryBenchmark {
    private final Report report;
    private final double scaleFactor;
    private final int idleSeconds;

    /** {@code idleSeconds}: past twice etc/jvm.options' G1PeriodicGCInterval (30 s, checked every 30 s) for the heap to be given back. */
    MemoryBenchmark(Report report, double scaleFactor, int idleSeconds) {
        this.report = report;
        this.scaleFactor = scaleFactor;
        this.idleSeconds = idleSeconds;
    }

    void run() throws Exception {
        report.section(String.format(Locale.ROOT, "Memory: TPC-H SF %s into in-memory storage, child JVM -Xmx2g with etc/jvm.options, "
                + "measured after %d s idle", scaleFactor, idleSeconds));
        Process p = ChildJvm.of(MemoryProbe.class).jvmFlags(SidecarJvm.flags(SidecarJvm.DEFAULT_HEAP))
                .args(String.valueOf(scaleFactor), String.valueOf(idleSeconds)).start();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("the memory probe failed (exit " + p.exitValue() + ")");
        }
        String[] f = result.split(" ");
        long rows = Long.parseLong(f[1]);
        long rssBefore = Long.parseLong(f[2]);
        long rssAfter = Long.parseLong(f[3]);
        long heapCommitted = Long.parseLong(f[4]);
        long heapLive = Long.parseLong(f[5]);
        long arrow = Long.parseLong(f[6]);
        report.line(String.format(Locale.ROOT, "%,d rows; resident memory %,d MiB before loading, %,d MiB after; heap committed %,d MiB, "
                        + "live %,d MiB; Arrow %,d MiB", rows, rssBefore >> 20, rssAfter >> 20, heapCommitted >> 20, heapLive >> 20, arrow >> 20));
        report.line(String.format(Locale.ROOT, "resident memory per million rows: %,.0f MiB (%,.0f MiB of it added by the load)",
                (rssAfter / 1048576.0) / (rows / 1e6), ((rssAfter - rssBefore) / 1048576.0) / (rows / 1e6)));
        double ratio = (double) (rssAfter - rssBefore) / arrow;
        report.ratio("resident memory the load added", (rssAfter - rssBefore) / 1048576.0, "MiB", "Arrow data", arrow / 1048576.0, ratio,
                "<= 2x", ratio <= 2);
    }
}
