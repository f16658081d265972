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
            }
        }
        out.printf(Locale.ROOT, "%s | captured %,.0f | applied %,.0f | lag %,.0f events, %.1f s | slot behind %,.0f KB%n", health,
                global.getOrDefault("rhei_events_captured_total", 0.0), global.getOrDefault("rhei_events_applied_total", 0.0),
                global.getOrDefault("rhei_lag_events", 0.0), global.getOrDefault("rhei_lag_seconds", 0.0),
                Math.max(0, global.getOrDefault("rhei_replication_lag_bytes", 0.0)) / 1024);
        List<String> columns = List.of("table", "applied_seq", "rows");
        List<List<Object>> rows = new ArrayList<>();
        tables.forEach((t, v) -> rows.add(List.of(t, (long) v[0], (long) v[1])));
        TablePrinter.print(new io.rhei.olap.QueryResults.Table(columns, rows), out, "");
        return health.equals("ready") ? 0 : 3;
    }
}
