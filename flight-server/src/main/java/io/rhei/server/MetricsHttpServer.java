package io.rhei.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rhei.core.RheiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * HTTP {@code /metrics} in Prometheus text format and {@code /health} (200 when ready, 503 before), on the JDK's
 * own HTTP server.
 */
public final class MetricsHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);

    /** One sample: a metric name, its labels, its value, its type ({@code counter} or {@code gauge}) and help text. */
    public record Sample(String name, Map<String, String> labels, double value, String type, String help) {
        public static Sample counter(String name, double value, String help) {
            return new Sample(name, Map.of(), value, "counter", help);
        }

        public static Sample gauge(String name, double value, String help) {
            return new Sample(name, Map.of(), value, "gauge", help);
        }
    }

    private final HttpServer server;

    private MetricsHttpServer(HttpServer server) {
        this.server = server;
    }

    /** {@link #start(String, int, Supplier, Supplier, java.util.function.BooleanSupplier)}, always alive. */
    public static MetricsHttpServer start(String host, int port, Supplier<List<Sample>> samples, Supplier<String> health) {
        return start(host, port, samples, health, () -> true);
    }

    /**
     * {@code health} (readiness, {@code /health}): null when ready (200 "ready"), else what is wrong (503 with that
     * text). {@code alive} (liveness, {@code /live}): 200 "alive", or 503 when the process no longer supervises its work
     * and should be restarted.
     */
    public static MetricsHttpServer start(String host, int port, Supplier<List<Sample>> samples, Supplier<String> health,
                                          java.util.function.BooleanSupplier alive) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
            server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", render(samples.get())));
            server.createContext("/health", ex -> {
                String problem = health.get();
                respond(ex, problem == null ? 200 : 503, "text/plain; charset=utf-8", problem == null ? "ready\n" : problem + "\n");
            });
            server.createContext("/live", ex -> {
                boolean ok = alive.getAsBoolean();
                respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "alive\n" : "not supervising capture and sync: restart the process\n");
            });
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "rhei-metrics-http");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            LOG.info("metrics on http://{}:{}/metrics, health on /health", host, server.getAddress().getPort());
            return new MetricsHttpServer(server);
        } catch (IOException e) {
            throw new RheiException("cannot start the metrics HTTP server on " + host + ":" + port + ": " + e.getMessage()
                    + " (is the port in use? choose another with --metrics-port)", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    static String render(List<Sample> samples) {
        StringBuilder sb = new StringBuilder();
        String last = null;
        for (Sample s : samples) {
            if (!s.name().equals(last)) {
                sb.append("# HELP ").append(s.name()).append(' ').append(s.help()).append('\n');
                sb.append("# TYPE ").append(s.name()).append(' ').append(s.type()).append('\n');
                last = s.name();
            }
            sb.append(s.name());
            if (!s.labels().isEmpty()) {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, String> l : new java.util.TreeMap<>(s.labels()).entrySet()) {
                    sb.append(first ? "" : ",").append(l.getKey()).append("=\"")
                            .append(l.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
                    first = false;
                }
                sb.append('}');
            }
            double v = s.value();
            sb.append(' ').append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6f", v)).append('\n');
        }
        return sb.toString();
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
