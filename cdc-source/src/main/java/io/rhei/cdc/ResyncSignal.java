package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.TableId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Re-snapshots tables in a running capture ({@code rhei resync}).
 *
 * <p>{@link #send} leaves a request in the capture's resync file ({@link PostgresSourceConfig#resyncRequestFile()}),
 * which the running capture takes up within a second ({@link #takeRequests}). Tables with a primary key are read again
 * as an incremental snapshot asked for through the signal table: the other tables keep streaming, and the signal row's
 * place in the stream is where the table is replaced (a TRUNCATE there, then chunks and streamed changes, see
 * {@link RecordConverter}). Tables without a key, or a capture without a signal table, get Debezium's blocking
 * snapshot through its signal file: streaming pauses while they are read, and each is replaced after everything
 * already captured.
 */
public final class ResyncSignal {
    private static final Logger LOG = LoggerFactory.getLogger(ResyncSignal.class);

    private ResyncSignal() {
    }

    /** Asks the capture of {@code config} to re-snapshot {@code tables}; returns the request's id. */
    public static String send(PostgresSourceConfig config, List<TableId> tables) {
        if (tables.isEmpty()) {
            throw new RheiException("name at least one table to resync");
        }
        String id = "rhei-resync-" + UUID.randomUUID();
        Path file = config.resyncRequestFile();
        if (!Files.isDirectory(file.toAbsolutePath().getParent())) {
            throw new RheiException("no capture has run with this configuration (" + file.toAbsolutePath().getParent()
                    + " does not exist): start the sidecar first, or check log.dir / source.offsets-file");
        }
        String line = id + " " + tables.stream().map(TableId::toString).collect(Collectors.joining(",")) + "\n";
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new RheiException("cannot write the resync request to " + file + ": " + e.getMessage(), e);
        }
        return id;
    }

    /** Runs the requests waiting in the resync file (the running capture calls this every second); returns how many. */
    static synchronized int takeRequests(PostgresSourceConfig effective) {
        Path file = effective.resyncRequestFile();
        List<String> lines;
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            Files.delete(file);
        } catch (IOException e) {
            throw new RheiException("cannot read the resync requests in " + file + ": " + e.getMessage(), e);
        }
        int n = 0;
        for (String line : lines) {
            String[] parts = line.strip().split(" ", 2);
            if (parts.length < 2) {
                continue;
            }
            List<TableId> tables = new ArrayList<>();
            for (String t : parts[1].split(",")) {
                tables.add(TableId.parse(t.strip()));
            }
            request(effective, parts[0], tables);
            n++;
        }
        return n;
    }

    /**
     * Asks the capture for the re-snapshot of {@code tables} now: keyed tables beside the stream (a signal row, in the
     * stream from here on), keyless ones by a blocking snapshot.
     */
    static void request(PostgresSourceConfig effective, String id, List<TableId> tables) {
        List<TableId> keyless = effective.resumableSnapshots() ? keyless(effective, tables) : tables;
        List<TableId> keyed = new ArrayList<>(tables);
        keyed.removeAll(keyless);
        if (!keyed.isEmpty()) {
            InitialSnapshot.requestIncremental(effective, keyed);
        }
        if (!keyless.isEmpty()) {
            blocking(effective, keyless);
        }
        LOG.info("resync {}: {} read again beside the stream, {} by a blocking snapshot", id, keyed, keyless);
    }

    /** Debezium's blocking snapshot, through its signal file. */
    static void blocking(PostgresSourceConfig config, List<TableId> tables) {
        String line = "{\"id\": \"rhei-resync-" + UUID.randomUUID() + "\", \"type\": \"execute-snapshot\", \"data\": "
                + snapshotData(tables, "BLOCKING") + "}\n";
        try {
            Files.writeString(config.signalFile(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new RheiException("cannot write the snapshot signal to " + config.signalFile() + ": " + e.getMessage(), e);
        }
    }

    /** The data of Debezium's execute-snapshot signal: the tables and the snapshot type (BLOCKING or INCREMENTAL). */
    static String snapshotData(List<TableId> tables, String type) {
        String collections = tables.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "));
        return "{\"data-collections\": [" + collections + "], \"type\": \"" + type + "\"}";
    }

    private static List<TableId> keyless(PostgresSourceConfig config, List<TableId> tables) {
        List<TableId> out = new ArrayList<>();
        try (Connection c = config.connect();
             PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid "
                     + "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = ? AND r.relname = ? AND i.indisprimary)")) {
            for (TableId t : tables) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        out.add(t);
                    }
                }
            }
        } catch (SQLException e) {
            throw new RheiException("cannot look up the primary keys of " + tables + ": " + e.getMessage(), e);
        }
        return out;
    }
}
