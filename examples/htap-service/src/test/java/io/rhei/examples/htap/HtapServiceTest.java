package io.rhei.examples.htap;

import io.rhei.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtapServiceTest {
    @TempDir
    Path dir;

    @Test
    void theDashboardAfterAWriteIncludesIt() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"));
             HtapService service = new HtapService("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", "postgres", "", dir, 0)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + service.port();
            for (int i = 1; i <= 20; i++) {
                HttpResponse<String> written = client.send(HttpRequest.newBuilder(URI.create(base + "/orders?customer=" + i + "&amount=10.50"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, written.statusCode(), written.body());
                Matcher lsn = Pattern.compile("\"lsn\": \"([0-9A-F/]+)\"").matcher(written.body());
                assertTrue(lsn.find(), written.body());
                HttpResponse<String> dashboard = client.send(HttpRequest.newBuilder(URI.create(base + "/dashboard?after=" + lsn.group(1))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, dashboard.statusCode(), dashboard.body());
                assertEquals("[{\"status\": \"new\", \"orders\": " + i + ", \"revenue\": " + new java.math.BigDecimal("10.50").multiply(
                        java.math.BigDecimal.valueOf(i)) + "}]", dashboard.body(), "after order " + i);
            }
        }
    }
}
