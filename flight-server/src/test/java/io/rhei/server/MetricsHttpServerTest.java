package io.rhei.server;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsHttpServerTest {
    @Test
    void metricsInPrometheusTextAndHealthFollowsReadiness() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> problem = new java.util.concurrent.atomic.AtomicReference<>("starting: not caught up");
        List<MetricsHttpServer.Sample> samples = List.of(
                MetricsHttpServer.Sample.counter("rhei_events_applied_total", 42, "applied"),
                new MetricsHttpServer.Sample("rhei_table_rows", Map.of("table", "public.\"odd\""), 7, "gauge", "rows"),
                new MetricsHttpServer.Sample("rhei_table_rows", Map.of("table", "public.b"), 8, "gauge", "rows"),
                MetricsHttpServer.Sample.gauge("rhei_lag_seconds", 0.25, "lag"));
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, () -> samples, problem::get)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, m.statusCode());
            assertTrue(m.body().contains("# TYPE rhei_events_applied_total counter\nrhei_events_applied_total 42\n"), m.body());
            assertTrue(m.body().contains("rhei_table_rows{table=\"public.\\\"odd\\\"\"} 7\nrhei_table_rows{table=\"public.b\"} 8\n"), m.body());
            assertEquals(1, m.body().split("# TYPE rhei_table_rows", -1).length - 1, "one TYPE line per metric");
            assertTrue(m.body().contains("rhei_lag_seconds 0.250000"), m.body());
            HttpResponse<String> starting = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, starting.statusCode());
            assertEquals("starting: not caught up\n", starting.body());
            problem.set(null);
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("ready\n", ok.body());
            problem.set("degraded: replication slot s has not advanced for 301 s");
            HttpResponse<String> degraded = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, degraded.statusCode());
            assertTrue(degraded.body().startsWith("degraded: replication slot"), degraded.body());
        }
    }

    @Test
    void livenessIsSeparateFromReadiness() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean alive = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, List::of, () -> "starting: the initial snapshot is reading tables",
                alive::get)) {
            HttpClient http = HttpClient.newHttpClient();
            URI live = URI.create("http://127.0.0.1:" + server.port() + "/live");
            HttpResponse<String> starting = http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, starting.statusCode(), "alive while not ready: a restart would not help");
            assertEquals("alive\n", starting.body());
            alive.set(false);
            HttpResponse<String> dead = http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, dead.statusCode());
            assertTrue(dead.body().contains("restart the process"), dead.body());
        }
    }
}
