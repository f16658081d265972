package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.config.ConfigKey;
import io.rhei.core.config.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * Where and what to capture. Keys:
 * <pre>
 * source.host / source.port / source.database / source.user   connection (defaults 127.0.0.1, 5432, postgres, postgres)
 * source.password          the password; better from RHEI_SOURCE_PASSWORD or source.password-file (never logged)
 * source.password-file     a file holding the password
 * source.tables.include    regular expressions of schema.table to capture, comma separated (default: all)
 * source.tables.exclude    regular expressions of schema.table to leave out
 * source.columns.exclude   regular expressions of schema.table.column to leave out (e.g. unsupported types)
 * source.slot              replication slot name (default rhei), created when missing
 * source.publication       publication name (default rhei_pub), created when missing (filtered to the tables)
 * source.snapshot-mode     initial (default) | never | when_needed
 * source.heartbeat-interval  heartbeat period, keeps the slot moving on idle databases (default 10s)
 * source.heartbeat-action-query  SQL run at each heartbeat so that the stream carries something even when only
 *                          uncaptured tables are written (default: a transactional pg_logical_emit_message; empty
 *                          to run none, as on a read-only standby)
 * source.offsets-file      where Debezium keeps its offsets (default: {log.dir}/cdc-offsets.dat)
 * source.signal-table      schema.table Rhei creates in the source database for the watermarks of resumable snapshots
 *                          (default public.rhei_signal); empty: initial snapshots are not resumable (read-only sources)
 * source.snapshot.chunk-rows  rows per chunk of a resumable snapshot (default 20000): the most a restart re-reads
 * source.snapshot-method   bulk (default: binary COPY in page ranges, cut at the slot's exported snapshot) | incremental
 * source.snapshot-workers  connections the bulk snapshot reads with (default 2)
 * </pre>
 */
public record PostgresSourceConfig(String host, int port, String database, String user, String password,
                                   String tablesInclude, String tablesExclude, String columnsExclude,
                                   String slot, String publication, String snapshotMode, Duration heartbeatInterval,
                                   String heartbeatActionQuery, Path offsetsFile, String name, String signalTable,
                                   int snapshotChunkRows, KeylessTables keylessTables, LostSlot onLostSlot,
                                   SnapshotMethod snapshotMethod, int snapshotWorkers) {

    public static final ConfigKey HOST = ConfigKey.of("source.host", "127.0.0.1", "PostgreSQL host");
    public static final ConfigKey PORT = ConfigKey.of("source.port", "5432", "PostgreSQL port");
    public static final ConfigKey DATABASE = ConfigKey.of("source.database", "postgres", "database to capture");
    public static final ConfigKey USER = ConfigKey.of("source.user", "postgres", "user (needs REPLICATION, or the rights Debezium lists)");
    public static final ConfigKey PASSWORD = ConfigKey.of("source.password", "",
            "password, better from `RHEI_SOURCE_PASSWORD` or `source.password-file`; never logged");
    public static final ConfigKey PASSWORD_FILE = ConfigKey.of("source.password-file", "", "a file holding the password");
    public static final ConfigKey TABLES_INCLUDE = ConfigKey.of("source.tables.include", "",
            "regular expressions of `schema.table` to capture, comma separated (empty: all)");
    public static final ConfigKey TABLES_EXCLUDE = ConfigKey.of("source.tables.exclude", "", "regular expressions of `schema.table` to leave out");
    public static final ConfigKey COLUMNS_EXCLUDE = ConfigKey.of("source.columns.exclude", "",
            "regular expressions of `schema.table.column` to leave out (e.g. a column of an unsupported type)");
    public static final ConfigKey SLOT = ConfigKey.of("source.slot", "rhei", "replication slot, created when missing");
    public static final ConfigKey PUBLICATION = ConfigKey.computed("source.publication", "`{source.slot}_pub`",
            "publication, created when missing (filtered to the captured tables)");
    public static final ConfigKey SNAPSHOT_MODE = ConfigKey.of("source.snapshot-mode", "initial", "`initial`, `never`, `when_needed`, `no_data`");
    public static final ConfigKey HEARTBEAT_INTERVAL = ConfigKey.of("source.heartbeat-interval", "10s",
            "heartbeat period: keeps the slot advancing on idle databases and the read-your-writes watermark moving");
    public static final ConfigKey HEARTBEAT_ACTION_QUERY = ConfigKey.computed("source.heartbeat-action-query",
            "a transactional `pg_logical_emit_message`", "SQL the heartbeat runs; empty for none (a read-only standby)");
    public static final ConfigKey OFFSETS_FILE = ConfigKey.computed("source.offsets-file", "`{log.dir}/cdc-offsets.dat`", "Debezium's offsets");
    public static final ConfigKey SIGNAL_TABLE = ConfigKey.of("source.signal-table", "public.rhei_signal",
            "watermark table of the resumable initial snapshot, created when missing; empty: blocking snapshots only");
    public static final ConfigKey SNAPSHOT_CHUNK_ROWS = ConfigKey.of("source.snapshot.chunk-rows", "20000",
            "rows per chunk of the resumable snapshot: what a restart may read twice");
    public static final ConfigKey SLOT_STALL_TIMEOUT = ConfigKey.of("source.slot.stall-timeout", "5m",
            "health says degraded when the slot stands still this long while WAL is written");
    public static final ConfigKey KEYLESS_TABLES = ConfigKey.of("source.keyless-tables", "skip",
            "a captured table without primary key or replica identity: `skip` it (publishing it would make PostgreSQL refuse "
                    + "the application's UPDATE and DELETE on it), or `capture` it anyway");
    public static final ConfigKey ON_LOST_SLOT = ConfigKey.of("source.slot.on-lost", "resnapshot",
            "when PostgreSQL invalidated the slot (`max_slot_wal_keep_size`) while capture was behind: `resnapshot` drops it, creates "
                    + "it again and reads every captured table again, replacing its rows; `fail` stops capture with the fix");
    public static final ConfigKey SNAPSHOT_METHOD = ConfigKey.of("source.snapshot-method", "bulk",
            "how the initial snapshot reads the tables: `bulk` (PostgreSQL's binary COPY in page ranges over several connections, "
                    + "cut at the replication slot's exported snapshot) or `incremental` (Debezium's chunks by primary key)");
    public static final ConfigKey SNAPSHOT_WORKERS = ConfigKey.of("source.snapshot-workers", "2",
            "connections the bulk snapshot reads with at once");
    public static final List<ConfigKey> KEYS = List.of(HOST, PORT, DATABASE, USER, PASSWORD, PASSWORD_FILE, TABLES_INCLUDE, TABLES_EXCLUDE,
            COLUMNS_EXCLUDE, SLOT, PUBLICATION, SNAPSHOT_MODE, HEARTBEAT_INTERVAL, HEARTBEAT_ACTION_QUERY, OFFSETS_FILE, SIGNAL_TABLE,
            SNAPSHOT_CHUNK_ROWS, SLOT_STALL_TIMEOUT, KEYLESS_TABLES, ON_LOST_SLOT, SNAPSHOT_METHOD, SNAPSHOT_WORKERS);

    /** Debezium's topic prefix: also the "server" of the partition its offsets are stored under. */
    static final String TOPIC_PREFIX = "rhei";

    public static final String DEFAULT_SIGNAL_TABLE = "public.rhei_signal";

    /**
     * A logical decoding message in a transaction of its own: it reaches the stream even when only tables outside the
     * publication are written, so the slot advances. Transactional, so that it is decoded at its commit, in commit
     * order with the captured changes, never ahead of a transaction still in flight.
     */
    public static final String DEFAULT_HEARTBEAT_ACTION = "SELECT pg_logical_emit_message(true, 'rhei_heartbeat', pg_current_wal_insert_lsn()::text)";

    public static final int DEFAULT_CHUNK_ROWS = 20_000;

    private static final List<String> SNAPSHOT_MODES = List.of("initial", "never", "when_needed", "no_data");

    public PostgresSourceConfig {
        Objects.requireNonNull(host, "source.host");
        Objects.requireNonNull(offsetsFile, "source.offsets-file");
        if (!SNAPSHOT_MODES.contains(snapshotMode)) {
            throw new RheiException("source.snapshot-mode must be one of " + SNAPSHOT_MODES + ", got '" + snapshotMode + "'");
        }
        if (!slot.matches("[a-z0-9_]+")) {
            throw new RheiException("source.slot '" + slot + "' must be lower-case letters, digits and underscores (a PostgreSQL rule)");
        }
        if (!signalTable.isEmpty() && !signalTable.matches("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*")) {
            throw new RheiException("source.signal-table '" + signalTable + "' must be schema.table in lower-case letters, digits and underscores");
        }
        if (snapshotWorkers < 1 || snapshotWorkers > 64) {
            throw new RheiException("source.snapshot-workers must be between 1 and 64, got " + snapshotWorkers);
        }
        if (snapshotChunkRows < 1) {
            throw new RheiException("source.snapshot.chunk-rows must be at least 1, got " + snapshotChunkRows);
        }
    }

    public static PostgresSourceConfig from(Settings s, Path logDir) {
        String password = s.secret(PASSWORD, PASSWORD_FILE);
        String slot = s.getString(SLOT);
        return new PostgresSourceConfig(s.getString(HOST), s.getInt(PORT), s.getString(DATABASE), s.getString(USER),
                password == null ? "" : password, s.getString(TABLES_INCLUDE), s.getString(TABLES_EXCLUDE), s.getString(COLUMNS_EXCLUDE),
                slot, s.get(PUBLICATION).orElse(slot + "_pub"), s.getString(SNAPSHOT_MODE).toLowerCase(Locale.ROOT),
                // set but empty means none (a read-only standby), so these two are told apart from unset
                s.getDuration(HEARTBEAT_INTERVAL), s.isSet(HEARTBEAT_ACTION_QUERY) ? s.get(HEARTBEAT_ACTION_QUERY).orElse("").strip() : DEFAULT_HEARTBEAT_ACTION,
                Path.of(s.get(OFFSETS_FILE).orElse(logDir.resolve("cdc-offsets.dat").toString())), "rhei-" + slot,
                s.isSet(SIGNAL_TABLE) ? s.get(SIGNAL_TABLE).orElse("").strip() : DEFAULT_SIGNAL_TABLE, s.getInt(SNAPSHOT_CHUNK_ROWS),
                KeylessTables.parse(s.getString(KEYLESS_TABLES)), LostSlot.parse(s.getString(ON_LOST_SLOT)),
                SnapshotMethod.parse(s.getString(SNAPSHOT_METHOD)), s.getInt(SNAPSHOT_WORKERS));
    }

    /** A configuration for a local server, as tests and the demo use. */
    public static PostgresSourceConfig local(int port, String database, String user, String password, Path offsetsFile, String slot) {
        return new PostgresSourceConfig("127.0.0.1", port, database, user, password, "", "", "", slot, slot + "_pub", "initial",
                Duration.ofSeconds(10), DEFAULT_HEARTBEAT_ACTION, offsetsFile, "rhei-" + slot, DEFAULT_SIGNAL_TABLE, DEFAULT_CHUNK_ROWS,
                KeylessTables.SKIP, LostSlot.RESNAPSHOT, SnapshotMethod.BULK, 2);
    }

    /** What to do with a captured table that has neither a primary key nor a replica identity (source.keyless-tables). */
    public enum KeylessTables {
        /** Leave it out of the publication: the application's UPDATE and DELETE on it keep working. */
        SKIP,
        /** Publish it anyway: PostgreSQL then refuses UPDATE and DELETE on it until it gets a replica identity. */
        CAPTURE;

        static KeylessTables parse(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "skip" -> SKIP;
                case "capture" -> CAPTURE;
                default -> throw new RheiException("source.keyless-tables must be skip or capture, got '" + value + "'");
            };
        }
    }

    /** How the initial snapshot reads the tables (source.snapshot-method). */
    public enum SnapshotMethod {
        /** PostgreSQL's binary COPY in page ranges over several connections ({@link BulkSnapshot}). */
        BULK,
        /** Debezium's incremental snapshot: chunks by primary key between watermarks. */
        INCREMENTAL;

        static SnapshotMethod parse(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "bulk" -> BULK;
                case "incremental" -> INCREMENTAL;
                default -> throw new RheiException("source.snapshot-method must be bulk or incremental, got '" + value + "'");
            };
        }
    }

    public PostgresSourceConfig withSnapshotMethod(SnapshotMethod method, int workers) {
        return new PostgresSourceConfig(host, port, database, user, password, tablesInclude, tablesExclude, columnsExclude, slot, publication,
                snapshotMode, heartbeatInterval, heartbeatActionQuery, offsetsFile, name, signalTable, snapshotChunkRows, keylessTables,
                onLostSlot, method, workers);
    }

    /** What to do when PostgreSQL has invalidated the replication slot (source.slot.on-lost). */
    public enum LostSlot {
        /** Drop the slot, create it again, and read every captured table again, replacing its rows. */
        RESNAPSHOT,
        /** Stop capture with a message naming the fix. */
        FAIL;

        static LostSlot parse(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "resnapshot" -> RESNAPSHOT;
                case "fail" -> FAIL;
                default -> throw new RheiException("source.slot.on-lost must be resnapshot or fail, got '" + value + "'");
            };
        }
    }

    public PostgresSourceConfig withOnLostSlot(LostSlot mode) {
        return new PostgresSourceConfig(host, port, database, user, password, tablesInclude, tablesExclude, columnsExclude, slot, publication,
                snapshotMode, heartbeatInterval, heartbeatActionQuery, offsetsFile, name, signalTable, snapshotChunkRows, keylessTables, mode, snapshotMethod, snapshotWorkers);
    }

    /** The same, with {@code tables} (schema.table) left out as well. */
    public PostgresSourceConfig withTablesLeftOut(java.util.Collection<String> tables) {
        if (tables.isEmpty()) {
            return this;
        }
        java.util.List<String> quoted = tables.stream().map(t -> t.replace(".", "\\.")).toList();
        String include = tablesInclude;
        String exclude = tablesExclude;
        if (!tablesInclude.isBlank()) {
            // Debezium takes an include list or an exclude list, not both: each included pattern refuses these names
            String none = "(?!(?:" + String.join("|", quoted) + ")$)";
            include = java.util.Arrays.stream(tablesInclude.split(",")).filter(r -> !r.isBlank())
                    .map(r -> none + "(?:" + r.strip() + ")").collect(java.util.stream.Collectors.joining(","));
        } else {
            String names = String.join(",", quoted);
            exclude = tablesExclude.isBlank() ? names : tablesExclude + "," + names;
        }
        return new PostgresSourceConfig(host, port, database, user, password, include, exclude, columnsExclude, slot, publication,
                snapshotMode, heartbeatInterval, heartbeatActionQuery, offsetsFile, name, signalTable, snapshotChunkRows, keylessTables, onLostSlot, snapshotMethod, snapshotWorkers);
    }

    public PostgresSourceConfig withKeylessTables(KeylessTables mode) {
        return new PostgresSourceConfig(host, port, database, user, password, tablesInclude, tablesExclude, columnsExclude, slot, publication,
                snapshotMode, heartbeatInterval, heartbeatActionQuery, offsetsFile, name, signalTable, snapshotChunkRows, mode, onLostSlot, snapshotMethod, snapshotWorkers);
    }

    public PostgresSourceConfig withTablesInclude(String regex) {
        return new PostgresSourceConfig(host, port, database, user, password, regex, tablesExclude, columnsExclude, slot, publication,
                snapshotMode, heartbeatInterval, heartbeatActionQuery, offsetsFile, name, signalTable, snapshotChunkRows, keylessTables, onLostSlot, snapshotMethod, snapshotWorkers);
    }

    public PostgresSourceConfig withHeartbeatInterval(Duration interval) {
        return new PostgresSourceConfig(host, port, database, user, password, tablesInclude, tablesExclude, columnsExclude, slot,
                publication, snapshotMode, interval, heartbeatActionQuery, offsetsFile, name, signalTable, snapshotChunkRows, keylessTables, onLostSlot, snapshotMethod, snapshotWorkers);
    }

    public PostgresSourceConfig withSnapshotMode(String mode) {
        return new PostgresSourceConfig(host, port, database, user, password, tablesInclude, tablesExclude, columnsExclude, slot,
                publication, mode, heartbeatInterval, heartbeatActionQuery, offsetsFile, name, signalTable, snapshotChunkRows, keylessTables, onLostSlot, snapshotMethod, snapshotWorkers);
    }

    public PostgresSourceConfig withHeartbeatActionQuery(String sql) {
        return new PostgresSourceConfig(host, port, database, user, password, tablesInclude, tablesExclude, columnsExclude, slot,
                publication, snapshotMode, heartbeatInterval, sql, offsetsFile, name, signalTable, snapshotChunkRows, keylessTables, onLostSlot, snapshotMethod, snapshotWorkers);
    }

    public PostgresSourceConfig withSignalTable(String table) {
        return new PostgresSourceConfig(host, port, database, user, password, tablesInclude, tablesExclude, columnsExclude, slot,
                publication, snapshotMode, heartbeatInterval, heartbeatActionQuery, offsetsFile, name, table, snapshotChunkRows, keylessTables, onLostSlot, snapshotMethod, snapshotWorkers);
    }

    public PostgresSourceConfig withSnapshotChunkRows(int rows) {
        return new PostgresSourceConfig(host, port, database, user, password, tablesInclude, tablesExclude, columnsExclude, slot,
                publication, snapshotMode, heartbeatInterval, heartbeatActionQuery, offsetsFile, name, signalTable, rows, keylessTables, onLostSlot, snapshotMethod, snapshotWorkers);
    }

    /** Whether initial snapshots can resume (a signal table holds their watermarks). */
    public boolean resumableSnapshots() {
        return !signalTable.isEmpty();
    }

    /** Where the state of a resumable initial snapshot is kept (next to the offsets). */
    public Path initialSnapshotStateFile() {
        return offsetsFile.resolveSibling(offsetsFile.getFileName() + ".initial-snapshot");
    }

    /** Where the bulk snapshot keeps what it has read (next to the offsets). */
    public Path bulkSnapshotStateFile() {
        return offsetsFile.resolveSibling(offsetsFile.getFileName() + ".bulk-snapshot");
    }

    /** Where {@code rhei resync} leaves its requests for the running capture (next to the offsets). */
    public Path lostSlotMarkerFile() {
        return offsetsFile.resolveSibling(offsetsFile.getFileName() + ".slot-lost");
    }

    public Path resyncRequestFile() {
        return offsetsFile.resolveSibling(offsetsFile.getFileName() + ".resync");
    }

    /** Where capture leaves Debezium's file signals for the running capture (next to the offsets). */
    public Path signalFile() {
        return offsetsFile.resolveSibling(offsetsFile.getFileName() + ".signals");
    }

    /** A plain JDBC connection to the source (10 s connect and login timeouts); the caller closes it. */
    public java.sql.Connection connect() throws java.sql.SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "10");
        return java.sql.DriverManager.getConnection(jdbcUrl(), props);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The Debezium engine properties. Types come as Connect values with their source column types attached. */
    Properties toDebezium() {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        // Kafka's file store rewrites the file in place; this one replaces it atomically (a kill mid-write left it unreadable)
        p.setProperty("offset.storage", AtomicFileOffsetBackingStore.class.getName());
        p.setProperty("offset.storage.file.filename", offsetsFile.toString());
        // Offsets are marked processed only after the log append is durable; flushing often narrows re-delivery.
        p.setProperty("offset.flush.interval.ms", "1000");
        // Debezium's queue sleeps this long whenever it finds nothing to hand over (default 500 ms): what a change,
        // and a read-your-writes watermark, waits on an idle stream before capture sees it
        p.setProperty("poll.interval.ms", "20");
        p.setProperty("database.hostname", host);
        p.setProperty("database.port", String.valueOf(port));
        p.setProperty("database.user", user);
        p.setProperty("database.password", password);
        p.setProperty("database.dbname", database);
        p.setProperty("topic.prefix", TOPIC_PREFIX);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", publication);
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("snapshot.mode", snapshotMode);
        if (!tablesInclude.isBlank()) {
            // the signal table's watermark rows must reach the stream too; Rhei drops them after Debezium has seen them
            p.setProperty("table.include.list", resumableSnapshots() ? tablesInclude + "," + signalTable.replace(".", "\\.") : tablesInclude);
        }
        if (!tablesExclude.isBlank()) {
            p.setProperty("table.exclude.list", tablesExclude);
        }
        if (!columnsExclude.isBlank()) {
            p.setProperty("column.exclude.list", columnsExclude);
        }
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("hstore.handling.mode", "json");
        p.setProperty("column.propagate.source.type", ".*");
        p.setProperty("unavailable.value.placeholder", ValueConverter.UNCHANGED_PLACEHOLDER);
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("skipped.operations", "none");
        p.setProperty("include.unknown.datatypes", "false");
        p.setProperty("heartbeat.interval.ms", String.valueOf(heartbeatInterval.toMillis()));
        // rhei resync TABLE writes a blocking-snapshot signal here; capture reads it while running
        p.setProperty("signal.enabled.channels", resumableSnapshots() ? "source,file" : "file");
        if (resumableSnapshots()) {
            // incremental snapshots: chunks read by primary key between two watermark rows written to this table
            p.setProperty("signal.data.collection", signalTable);
            p.setProperty("incremental.snapshot.chunk.size", String.valueOf(snapshotChunkRows));
            p.setProperty("notification.enabled.channels", TableScanWatch.NAME);
        }
        p.setProperty("signal.file", signalFile().toString());
        p.setProperty("signal.poll.interval.ms", "1000");
        // A heartbeat only moves the slot if something arrives on the stream (see DEFAULT_HEARTBEAT_ACTION).
        if (!heartbeatActionQuery.isEmpty()) {
            p.setProperty("heartbeat.action.query", heartbeatActionQuery);
        }
        p.setProperty("max.batch.size", "8192");
        p.setProperty("max.queue.size", "32768");
        p.setProperty("provide.transaction.metadata", "false");
        return p;
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database + " slot " + slot + " publication " + publication;
    }
}
