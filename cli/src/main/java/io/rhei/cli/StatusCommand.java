package io.rhei.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code rhei status}: per-table applied sequence and rows, and the lag, read from a running Rhei's /metrics. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Prints per-table applied sequence, row counts and the lag of a running Rhei.")
final class StatusCommand implements Callable<Integer> {
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(?:\\{table=\"((?:[^\"\\\\]|\\\\.)*)\"})? (\\S+)$");

    @Option(names = "--metrics", description = "host:port of the metrics endpoint (default ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:9464")
    String metrics;

    PrintStream out = System.out;
    PrintStream err = System.err;

    /** Why a request failed, in words: the JDK's HTTP client throws a ConnectException without a message. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (t instanceof java.net.http.HttpTimeoutException) {
                return "no answer within 5 s";
            }
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** A table's snapshot progress: {@code 45% of ~1,000,000}, or the rows read when PostgreSQL has no estimate. */
    static String snapshotCell(double[] readAndEstimated) {
        if (readAndEstimated == null) {
            return "";
        }
        double read = readAndEstimated[0];
        double estimated = readAndEstimated[1];
        return estimated > 0 ? String.format(Locale.ROOT, "%d%% of ~%,.0f", (long) Math.min(99, read * 100 / estimated), estimated)
                : String.format(Locale.ROOT, "%,.0f read", read);
    }

    @Override
    public Integer call() {
        String body;
        String health;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            body = http.send(HttpRequest.newBuilder(URI.create("http://" + metrics + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            health = http.send(HttpRequest.newBuilder(URI.create("http://" + metrics + "/health")).build(), HttpResponse.BodyHandlers.ofString())
                    .body().strip();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            err.println("cannot reach Rhei's metrics at http://" + metrics + "/metrics: " + reason(e) + " (is it running? --metrics host:port)");
            return 1;
        }
        Map<String, Double> global = new TreeMap<>();
        Map<String, double[]> tables = new TreeMap<>(); // table -> {applied seq, rows}
        Map<String, double[]> snapshot = new TreeMap<>(); // table -> {rows read, rows estimated}
        for (String line : body.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            double v = Double.parseDouble(m.group(3));
            if (m.group(2) == null) {
                global.put(m.group(1), v);
            } else if (m.group(1).equals("rhei_table_rows")) {
                tables.computeIfAbsent(m.group(2), k -> new double[2])[1] = v;
            } else if (m.group(1).equals("rhei_table_applied_seq")) {
                tables.computeIfAbsent(m.group(2), k -> new double[2])[0] = v;
            } else if (m.group(1).equals("rhei_snapshot_table_rows_read")) {
                snapshot.computeIfAbsent(m.group(2), k -> new double[]{0, -1})[0] = v;
            } else if (m.group(1).equals("rhei_snapshot_table_rows_estimated")) {
                snapshot.computeIfAbsent(m.group(2), k -> new double[]{0, -1})[1] = v;
            }
        }
        out.printf(Locale.ROOT, "%s | captured %,.0f | applied %,.0f | lag %,.0f events, %.1f s | slot behind %,.0f KB%n", health,
                global.getOrDefault("rhei_events_captured_total", 0.0), global.getOrDefault("rhei_events_applied_total", 0.0),
                global.getOrDefault("rhei_lag_events", 0.0), global.getOrDefault("rhei_lag_seconds", 0.0),
                Math.max(0, global.getOrDefault("rhei_replication_lag_bytes", 0.0)) / 1024);
        double total = global.getOrDefault("rhei_snapshot_tables_total", 0.0);
        boolean snapshotting = total > 0 && global.getOrDefault("rhei_snapshot_tables_done", 0.0) < total;
        if (snapshotting) {
            double left = global.getOrDefault("rhei_snapshot_seconds_left", -1.0);
            out.printf(Locale.ROOT, "initial snapshot: %.0f of %.0f tables to read, %,.0f rows/s%s%n", total - global.getOrDefault(
                    "rhei_snapshot_tables_done", 0.0), total, global.getOrDefault("rhei_snapshot_rows_per_second", 0.0),
                    left >= 0 ? String.format(Locale.ROOT, ", about %.0f s left", left) : "");
        }
        List<String> columns = snapshotting ? List.of("table", "applied_seq", "rows", "snapshot") : List.of("table", "applied_seq", "rows");
        List<List<Object>> rows = new ArrayList<>();
        tables.forEach((t, v) -> {
            if (!snapshotting) {
                rows.add(List.of(t, (long) v[0], (long) v[1]));
                return;
            }
            double[] sn = snapshot.get(t);
            rows.add(List.of(t, (long) v[0], (long) v[1], snapshotCell(sn)));
        });
        snapshot.forEach((t, sn) -> {
            if (snapshotting && !tables.containsKey(t)) {
                rows.add(List.of(t, 0L, 0L, snapshotCell(sn))); // not in the copy yet
            }
        });
        TablePrinter.print(new io.rhei.olap.QueryResults.Table(columns, rows), out, "");
        return health.equals("ready") ? 0 : 3;
    }
}
