package io.rhei.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusCommandTest {
    @Test
    void nothingRunningSaysWhyInWords() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        StatusCommand status = new StatusCommand();
        status.metrics = "127.0.0.1:" + port;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        status.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(1, status.call());
        String line = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals("cannot reach Rhei's metrics at http://127.0.0.1:" + port + "/metrics: connection refused (is it running? --metrics host:port)", line);
        assertFalse(line.contains("null"), line);
        assertTrue(line.lines().count() == 1, line);
    }

    @Test
    void aRunningInitialSnapshotIsShownWithItsProgress() throws Exception {
        java.util.List<io.rhei.server.MetricsHttpServer.Sample> samples = java.util.List.of(
                io.rhei.server.MetricsHttpServer.Sample.gauge("rhei_snapshot_tables_total", 2, "t"),
                io.rhei.server.MetricsHttpServer.Sample.gauge("rhei_snapshot_tables_done", 1, "t"),
                io.rhei.server.MetricsHttpServer.Sample.gauge("rhei_snapshot_rows_per_second", 15000, "t"),
                io.rhei.server.MetricsHttpServer.Sample.gauge("rhei_snapshot_seconds_left", 37, "t"),
                new io.rhei.server.MetricsHttpServer.Sample("rhei_table_rows", java.util.Map.of("table", "public.orders"), 450, "gauge", "r"),
                new io.rhei.server.MetricsHttpServer.Sample("rhei_table_applied_seq", java.util.Map.of("table", "public.orders"), 451, "gauge", "s"),
                new io.rhei.server.MetricsHttpServer.Sample("rhei_snapshot_table_rows_read", java.util.Map.of("table", "public.orders"), 450, "gauge", "r"),
                new io.rhei.server.MetricsHttpServer.Sample("rhei_snapshot_table_rows_estimated", java.util.Map.of("table", "public.orders"), 1000, "gauge", "e"),
                new io.rhei.server.MetricsHttpServer.Sample("rhei_snapshot_table_rows_read", java.util.Map.of("table", "public.items"), 0, "gauge", "r"),
                new io.rhei.server.MetricsHttpServer.Sample("rhei_snapshot_table_rows_estimated", java.util.Map.of("table", "public.items"), -1, "gauge", "e"));
        try (io.rhei.server.MetricsHttpServer server = io.rhei.server.MetricsHttpServer.start("127.0.0.1", 0, () -> samples,
                () -> "starting: the initial snapshot is reading tables: 1 of 2 still to read")) {
            StatusCommand status = new StatusCommand();
            status.metrics = "127.0.0.1:" + server.port();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            status.out = new PrintStream(out, true, StandardCharsets.UTF_8);
            assertEquals(3, status.call(), "not ready yet");
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("initial snapshot: 1 of 2 tables to read, 15,000 rows/s, about 37 s left"), text);
            assertTrue(text.contains("45% of ~1,000"), text);
            assertTrue(text.contains("public.items") && text.contains("0 read"), "a table not in the copy yet, without an estimate: " + text);
        }
    }
}
