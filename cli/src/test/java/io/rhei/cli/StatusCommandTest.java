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
}
