package io.rhei.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code rhei run} configuration file for tests: a sidecar on an embedded PostgreSQL, its log under a directory of
 * the test's, no free-space floor, Flight SQL without authentication and metrics on ports the system picks, the
 * PostgreSQL protocol off. Keys set
 * with {@link #set} replace these defaults.
 */
public final class SidecarConfig {
    private final Map<String, String> keys = new LinkedHashMap<>();

    private SidecarConfig(int postgresPort, String slot, Path logDir) {
        keys.put("source.port", String.valueOf(postgresPort));
        keys.put("source.slot", slot);
        keys.put("source.tables.include", "public\\..*");
        keys.put("log.dir", logDir.toString());
        keys.put("log.min-free-bytes", "0");
        keys.put("server.port", "0");
        keys.put("server.pg-port", "0"); // off: tests that want it pick a free port
        keys.put("server.auth", "none");
        keys.put("metrics.port", "0");
    }

    public static SidecarConfig of(int postgresPort, String slot, Path logDir) {
        return new SidecarConfig(postgresPort, slot, logDir);
    }

    public SidecarConfig set(String key, Object value) {
        keys.put(key, String.valueOf(value));
        return this;
    }

    /** Writes the file (backslashes escaped as properties files need) and returns its path. */
    public Path writeTo(Path file) {
        StringBuilder text = new StringBuilder();
        keys.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
