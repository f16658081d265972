package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.TableId;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Asks a running capture to re-snapshot tables: appends a Debezium blocking-snapshot signal to the capture's
 * signal file ({@link PostgresSourceConfig#signalFile()}), which it reads every second. Streaming pauses while the
 * tables are read again; each one is replaced (TRUNCATE, then its rows), after everything already captured, and
 * streaming resumes where it stopped, so the other tables lose nothing and the re-read ones end exact.
 */
public final class ResyncSignal {
    private ResyncSignal() {
    }

    /** Asks for a blocking re-snapshot of {@code tables}; returns the signal's id. */
    public static String send(PostgresSourceConfig config, List<TableId> tables) {
        if (tables.isEmpty()) {
            throw new RheiException("name at least one table to resync");
        }
        String id = "rhei-resync-" + UUID.randomUUID();
        String collections = tables.stream().map(t -> "\"" + t.schema() + "." + t.table() + "\"").collect(Collectors.joining(", "));
        String line = "{\"id\": \"" + id + "\", \"type\": \"execute-snapshot\", \"data\": {\"data-collections\": [" + collections
                + "], \"type\": \"BLOCKING\"}}\n";
        Path file = config.signalFile();
        if (!Files.isDirectory(file.toAbsolutePath().getParent())) {
            throw new RheiException("no capture has run with this configuration (" + file.toAbsolutePath().getParent()
                    + " does not exist): start the sidecar first, or check log.dir / source.offsets-file");
        }
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new RheiException("cannot write the resync signal to " + file + ": " + e.getMessage(), e);
        }
        return id;
    }
}
