package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.model.TableId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The first copy of the captured tables, made resumable: instead of Debezium's blocking snapshot, which starts over
 * when the process dies, capture starts streaming at once ({@code snapshot.mode=no_data}) and asks Debezium for an
 * <em>incremental</em> snapshot of every captured table. Debezium reads each table in primary-key chunks between two
 * watermark rows in the signal table ({@code source.signal-table}) and records in its offsets the last key it emitted,
 * so a restarted process continues with the next chunk; at most the rows of one unacknowledged chunk are read twice.
 *
 * <p>State, in {@link PostgresSourceConfig#initialSnapshotStateFile()}: the tables captured at the first start (so that
 * a restart does not take the ones an interrupted snapshot has not reached yet for newly included tables), and
 * {@code debezium} for Debezium's own blocking snapshot, or {@code pending} from the moment the snapshot is
 * decided until the first acknowledged offset that no longer carries an incremental snapshot, then {@code done}. A
 * pending snapshot whose offsets carry no incremental snapshot (the process died before Debezium's first offsets were
 * stored) is asked for again.
 *
 * <p>Falls back to the blocking snapshot, with a log line saying why, when a captured table has no primary key
 * (chunks are cut by key), when the signal table cannot be created, and for capture that began before this existed.
 */
final class InitialSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(InitialSnapshot.class);
    /** The offset key Debezium writes while an incremental snapshot runs (a JSON list of the tables still to read). */
    static final String RUNNING_KEY = "incremental_snapshot_collections";

    private final PostgresSourceConfig effective;
    private final List<TableId> tables;
    private final boolean signalNeeded;
    private volatile boolean pending;
    private volatile boolean seenRunning;
    private volatile int tablesRemaining;
    private volatile boolean completedNotified;
    private boolean legacy;
    /** The bulk snapshot reads the tables before streaming starts ({@link BulkSnapshot}). */
    private boolean bulkReading;
    /** After a resumed bulk snapshot: streaming must pass this WAL position before the copy is exact (0: none). */
    private volatile long catchUpLsn;
    private java.util.Map<TableId, Long> estimates = Map.of();

    private InitialSnapshot(PostgresSourceConfig effective, List<TableId> tables, boolean pending, boolean signalNeeded, boolean running) {
        this.effective = effective;
        this.tables = List.copyOf(tables);
        this.pending = pending;
        this.signalNeeded = signalNeeded;
        this.seenRunning = running;
        this.tablesRemaining = pending ? tables.size() : 0;
    }

    /** Decides how this start snapshots, creating the signal table when resumable snapshots are configured. */
    static InitialSnapshot plan(PostgresSourceConfig config, ChangeLog log) {
        try (Connection c = config.connect()) {
            if (config.resumableSnapshots() && !ensureSignalTable(c, config)) {
                config = config.withSignalTable("");
            }
            Path stateFile = config.initialSnapshotStateFile();
            if (Files.exists(stateFile)) {
                Properties state = read(stateFile);
                List<TableId> tables = parseTables(state.getProperty("tables", ""));
                String mode = state.getProperty("state", "");
                if (mode.equals("done")) {
                    return new InitialSnapshot(config.withSnapshotMode("no_data"), tables, false, false, false);
                }
                if (mode.equals("bulk")) {
                    LOG.info("the bulk snapshot of {} tables was interrupted: it continues with the ranges not yet in the log", tables.size());
                    InitialSnapshot s = new InitialSnapshot(config.withSnapshotMode("no_data"), tables, true, false, false);
                    s.bulkReading = true;
                    return s.withEstimates(estimateRows(c, tables));
                }
                if (mode.startsWith("bulk-catchup@")) {
                    InitialSnapshot s = new InitialSnapshot(config.withSnapshotMode("no_data"), tables, true, false, false);
                    s.catchUpLsn = Long.parseLong(mode.substring("bulk-catchup@".length()));
                    s.tablesRemaining = 0;
                    return s;
                }
                if (mode.equals("pending")) {
                    if (!config.resumableSnapshots()) {
                        throw new RheiException("the initial snapshot was started as a resumable one and is not finished, but the signal "
                                + "table is now unusable (see above): restore source.signal-table, or start over with an empty log.dir");
                    }
                    boolean running = storedOffsetsHoldRunningSnapshot(config.offsetsFile());
                    java.util.Map<TableId, Long> sizes = estimateRows(c, tables);
                    LOG.info("the initial snapshot of {} tables was interrupted: {}", tables.size(), running
                            ? "Debezium continues it after the last chunk it acknowledged" : "it had not stored a position yet, so it starts again");
                    return new InitialSnapshot(config.withSnapshotMode("no_data"), tables, true, !running, running).withEstimates(sizes);
                }
                return new InitialSnapshot(config, tables, false, false, false); // Debezium's own snapshot and offsets decide
            }
            if (Files.exists(config.offsetsFile()) || log.lastSeq() > 0) {
                return legacy(config); // capture began before this state was kept
            }
            List<TableId> keyed = new ArrayList<>();
            List<TableId> keyless = new ArrayList<>();
            listCapturedTables(c, config, keyed, keyless);
            List<TableId> all = new ArrayList<>(keyed);
            all.addAll(keyless);
            boolean initial = "initial".equals(config.snapshotMode());
            if (initial && config.snapshotMethod() == PostgresSourceConfig.SnapshotMethod.BULK && !all.isEmpty()) {
                java.util.Optional<String> problem = BulkSnapshot.unreadable(config, all);
                if (problem.isEmpty()) {
                    write(stateFile, "bulk", all);
                    java.util.Map<TableId, Long> sizes = estimateRows(c, all);
                    LOG.info("initial snapshot of {} tables (about {} rows) by binary COPY over {} connections: {}", all.size(),
                            sizes.values().stream().mapToLong(Long::longValue).sum(), config.snapshotWorkers(), all);
                    InitialSnapshot s = new InitialSnapshot(config.withSnapshotMode("no_data"), all, true,
                            false, false);
                    s.bulkReading = true;
                    return s.withEstimates(sizes);
                }
                LOG.info("the initial snapshot is Debezium's, not the bulk one: {}", problem.get());
            }
            if (!initial || !config.resumableSnapshots() || keyed.isEmpty() || !keyless.isEmpty()) {
                if (initial && !keyless.isEmpty()) {
                    LOG.info("tables {} have no primary key, which an interrupted snapshot needs to resume by: the initial snapshot is "
                            + "a blocking one and starts over if the process stops before it ends", keyless);
                }
                write(stateFile, "debezium", all);
                return new InitialSnapshot(config, all, false, false, false);
            }
            write(stateFile, "pending", all);
            java.util.Map<TableId, Long> sizes = estimateRows(c, all);
            LOG.info("initial snapshot of {} tables (about {} rows) in chunks of {} rows, resumable: {}", all.size(),
                    sizes.values().stream().mapToLong(Long::longValue).sum(), config.snapshotChunkRows(), all);
            return new InitialSnapshot(config.withSnapshotMode("no_data"), all, true, true, false).withEstimates(sizes);
        } catch (SQLException e) {
            throw new RheiException("cannot prepare the initial snapshot on " + config + ": " + e.getMessage(), e);
        }
    }

    private InitialSnapshot withEstimates(java.util.Map<TableId, Long> sizes) {
        this.estimates = sizes;
        return this;
    }

    /** PostgreSQL's estimate of each table's rows (pg_class.reltuples, as of its last ANALYZE); tables never analyzed are left out. */
    static java.util.Map<TableId, Long> estimateRows(Connection c, List<TableId> tables) throws SQLException {
        java.util.Map<TableId, Long> out = new java.util.HashMap<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT c.reltuples::int8 FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            for (TableId t : tables) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) >= 0) {
                        out.put(t, rs.getLong(1));
                        continue;
                    }
                }
                // never analyzed: the planner's guess from the table's pages
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("EXPLAIN SELECT 1 FROM "
                        + io.rhei.core.model.SqlIdentifiers.quote(t.schema()) + "." + io.rhei.core.model.SqlIdentifiers.quote(t.table()))) {
                    java.util.regex.Matcher m = rs.next() ? java.util.regex.Pattern.compile(" rows=(\\d+)").matcher(rs.getString(1)) : null;
                    if (m != null && m.find()) {
                        out.put(t, Long.parseLong(m.group(1)));
                    }
                }
            }
        }
        return out;
    }

    /** The estimated rows of the tables this snapshot reads (empty when there is no resumable snapshot). */
    java.util.Map<TableId, Long> estimates() {
        return estimates;
    }

    /** The tables captured from the first start on: snapshotted by the initial snapshot, not "newly included". */
    List<TableId> initialTables() {
        return tables;
    }

    /** Whether capture began before Rhei kept this state (then the change log tells which tables are known). */
    boolean isLegacy() {
        return legacy;
    }

    private static InitialSnapshot legacy(PostgresSourceConfig config) {
        InitialSnapshot s = new InitialSnapshot(config, List.of(), false, false, false);
        s.legacy = true;
        return s;
    }

    /** Whether the bulk snapshot has tables to read before streaming starts. */
    boolean bulkReading() {
        return bulkReading;
    }

    void tablesRemaining(int n) {
        tablesRemaining = n;
    }

    /**
     * The bulk snapshot's rows are durable in the log and streaming may start. Done at once when they all came from the
     * slot's exported snapshot; after a resumed one, once streaming has passed {@code catchUp} ({@link #acknowledged}).
     */
    void bulkRead(long catchUp) {
        bulkReading = false;
        tablesRemaining = 0;
        if (catchUp == 0) {
            write(effective.initialSnapshotStateFile(), "done", tables);
            pending = false;
            LOG.info("initial snapshot finished: {} tables read", tables.size());
        } else {
            catchUpLsn = catchUp;
            write(effective.initialSnapshotStateFile(), "bulk-catchup@" + catchUp, tables);
        }
    }

    /** The configuration Debezium runs with (snapshot mode and signal table as decided). */
    PostgresSourceConfig effectiveConfig() {
        return effective;
    }

    /** Whether a resumable initial snapshot has not finished yet. */
    boolean pending() {
        return pending;
    }

    int tablesTotal() {
        return tables.size();
    }

    /**
     * Debezium says the incremental snapshot is over. When every table was empty it ran and ended within one record, so
     * no acknowledged offset ever showed it running; the next acknowledged offset without it then ends the snapshot.
     */
    void completed() {
        completedNotified = true;
    }

    /** During the catch-up after a resumed bulk snapshot every table counts: none is exact before streaming passes it. */
    int tablesRemaining() {
        return pending && catchUpLsn != 0 ? tables.size() : tablesRemaining;
    }

    /**
     * Once the engine runs: asks Debezium for the incremental snapshot when it is not already under way. The signal row
     * must come after the replication slot's consistent point, or the stream never shows it: on a first start Debezium
     * creates the slot (after the publication) a moment later, so a thread of its own waits for it.
     */
    void afterEngineStarted(java.util.function.BooleanSupplier running) {
        if (!signalNeeded) {
            return;
        }
        Thread t = new Thread(() -> {
            try (Connection c = effective.connect()) {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
                while (running.getAsBoolean() && !slotReady(c, effective.slot())) {
                    if (System.nanoTime() > deadline) {
                        LOG.error("replication slot {} did not appear within 10 minutes: the initial snapshot was not asked for; "
                                + "it will be on the next start", effective.slot());
                        return;
                    }
                    Thread.sleep(200);
                }
                if (running.getAsBoolean()) {
                    requestIncremental(effective, tables);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException | RuntimeException e) {
                LOG.error("the initial snapshot was not asked for ({}); it will be on the next start", e.getMessage(), e);
            }
        }, "rhei-snapshot-request");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Whether the slot exists and has found its consistent point (confirmed_flush_lsn set): it is listed before that,
     * while it waits for running transactions, and a row committed then may precede what it decodes.
     */
    private static boolean slotReady(Connection c, String slot) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ? "
                + "AND confirmed_flush_lsn IS NOT NULL")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Asks for an incremental snapshot through the signal table, not the signal file: a row in the stream is acted on
     * by the streaming thread, in stream order. (A file signal is acted on by Debezium's signal thread, whose first
     * chunk query shares the JDBC connection with the streaming thread: "portal does not exist", and Debezium skips
     * the table.) The row is in the WAL, so a process that dies before acting on it finds it again on restart.
     */
    static void requestIncremental(PostgresSourceConfig config, List<TableId> tables) {
        String id = "rhei-snapshot-" + java.util.UUID.randomUUID();
        try (Connection c = config.connect();
             java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO " + config.signalTable() + " VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, "execute-snapshot");
            ps.setString(3, ResyncSignal.snapshotData(tables, "INCREMENTAL"));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RheiException("cannot ask for the incremental snapshot of " + tables + " through " + config.signalTable() + ": "
                    + e.getMessage(), e);
        }
        LOG.info("asked for an incremental snapshot of {} (signal {} in {})", tables, id, config.signalTable());
    }

    /**
     * Follows the offsets being acknowledged (durable in the log): the first one without a running incremental snapshot
     * after one with it ends the snapshot. Marked done before Debezium can store that offset, so a restart in between
     * finds the older offsets, where Debezium still finishes the last chunk itself.
     */
    void acknowledged(Map<String, ?> offset) {
        if (!pending) {
            return;
        }
        if (catchUpLsn != 0) {
            long lsn = Math.max(number(offset.get("lsn")), number(offset.get("lsn_commit")));
            if (Long.compareUnsigned(lsn, catchUpLsn) >= 0) {
                write(effective.initialSnapshotStateFile(), "done", tables);
                pending = false;
                catchUpLsn = 0;
                LOG.info("initial snapshot finished: streaming has passed the place where its last part was read");
            }
            return;
        }
        Object running = offset.get(RUNNING_KEY);
        if (running != null) {
            seenRunning = true;
            tablesRemaining = countTables(running.toString());
        } else if (seenRunning || completedNotified) {
            write(effective.initialSnapshotStateFile(), "done", tables);
            pending = false;
            tablesRemaining = 0;
            LOG.info("initial snapshot finished: {} tables read", tables.size());
        }
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() : 0;
    }

    private static int countTables(String json) {
        int n = 0;
        for (int i = json.indexOf(RUNNING_KEY + "_id"); i >= 0; i = json.indexOf(RUNNING_KEY + "_id", i + 1)) {
            n++;
        }
        return n;
    }

    /** Creates the watermark table when missing and clears old watermarks; false (with the fix logged) when it cannot. */
    private static boolean ensureSignalTable(Connection c, PostgresSourceConfig config) {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + config.signalTable()
                    + " (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))");
            // Watermarks of finished chunks are never looked at again (a restart opens new ones).
            st.execute("DELETE FROM " + config.signalTable());
            return true;
        } catch (SQLException e) {
            LOG.warn("cannot use the signal table {} ({}): an interrupted initial snapshot will start over. Create it as the "
                            + "capture user (CREATE TABLE {} (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))), "
                            + "or set source.signal-table empty to silence this", config.signalTable(), e.getMessage().strip(),
                    config.signalTable());
            return false;
        }
    }

    static void listCapturedTables(Connection c, PostgresSourceConfig config, List<TableId> keyed, List<TableId> keyless)
            throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid "
                     + "AND i.indisprimary) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     + "WHERE c.relkind = 'r' AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                     + "ORDER BY 1, 2")) {
            while (rs.next()) {
                if (PostgresPreflight.captured(config, rs.getString(1) + "." + rs.getString(2))) {
                    (rs.getBoolean(3) ? keyed : keyless).add(TableId.of(rs.getString(1), rs.getString(2)));
                }
            }
        }
    }

    /**
     * Whether Debezium's stored offsets (Kafka's file offset store: a serialized map of JSON key and value bytes)
     * say an incremental snapshot is running.
     */
    static boolean storedOffsetsHoldRunningSnapshot(Path offsetsFile) {
        if (!Files.exists(offsetsFile)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(offsetsFile); ObjectInputStream ois = new ObjectInputStream(in)) {
            // only the map and its byte arrays (HashMap also checks the size of its entry table through the filter)
            ois.setObjectInputFilter(info -> info.serialClass() == null || info.serialClass() == java.util.HashMap.class
                    || info.serialClass() == byte[].class || info.serialClass() == Map.Entry[].class
                    ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED);
            Object raw = ois.readObject();
            if (raw instanceof Map<?, ?> map) {
                for (Object value : map.values()) {
                    if (value instanceof byte[] bytes && new String(bytes, StandardCharsets.UTF_8).contains("\"" + RUNNING_KEY + "\"")) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException | ClassNotFoundException e) {
            throw new RheiException("cannot read Debezium's offsets " + offsetsFile + " to see whether the initial snapshot was under way: "
                    + e.getMessage(), e);
        }
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new RheiException("cannot read the initial snapshot state " + file + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** Replaced whole ({@link DurableFile}), so that a crash leaves the old state or the new one. */
    private static void write(Path file, String state, List<TableId> tables) {
        String tableList = tables.stream().map(TableId::toString).collect(java.util.stream.Collectors.joining(","));
        String text = "# Rhei's resumable initial snapshot; delete this file only together with the change log and the offsets\n"
                + "state=" + state + "\ntables=" + tableList + "\n";
        try {
            DurableFile.replace(file, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RheiException("cannot write the initial snapshot state " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<TableId> parseTables(String list) {
        List<TableId> out = new ArrayList<>();
        for (String t : list.split(",")) {
            if (!t.isBlank()) {
                out.add(TableId.parse(t.strip()));
            }
        }
        return out;
    }
}
