package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.SqlIdentifiers;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The initial snapshot at PostgreSQL's own speed: every captured table read with {@code COPY (SELECT ...) TO STDOUT
 * (FORMAT binary)}, in page ranges ({@code ctid}) over several connections, decoded straight into rows and appended to
 * the change log before streaming begins.
 *
 * <p><b>The cut against streaming.</b> Rhei creates the replication slot itself, exporting its snapshot
 * ({@code CREATE_REPLICATION_SLOT ... LOGICAL pgoutput}, whose default is EXPORT_SNAPSHOT), and every reader imports it
 * ({@code SET TRANSACTION SNAPSHOT}): the rows read are exactly the database at the slot's consistent point, and
 * Debezium, started once the snapshot is durable in the log, streams from that point. Nothing is read twice and nothing
 * is missed, whatever the application writes meanwhile ({@link StreamingStart} makes Debezium start there).
 *
 * <p><b>Restart.</b> The exported snapshot dies with the process. Ranges already durable in the log (kept in
 * {@link BulkSnapshotState}) are not read again; the rest is read with a new snapshot, later than the slot's consistent
 * point, and streaming from that point replays every change since on top: each streamed change carries the whole row (or
 * deletes it by key), so a row read newer than the slot converges to PostgreSQL's once streaming has passed the place of
 * the new snapshot, which the initial snapshot waits for before it calls itself done. A table whose columns changed in
 * between, or a slot that is gone, makes the snapshot start over from a new slot.
 *
 * <p>Threads: the caller's thread appends to the log (it alone assigns source positions, which must grow); one thread
 * per connection reads ranges and hands decoded batches over a bounded queue, so memory stays bounded whatever the
 * table's size.
 */
final class BulkSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(BulkSnapshot.class);
    private static final int BATCH_ROWS = 4096;
    /** Pages per range at most (128 MB of 8 kB pages): what a restart may read twice. */
    private static final long MAX_RANGE_PAGES = 16_384;

    private final PostgresSourceConfig config;
    private final ChangeLog log;
    private final CdcMetrics metrics;
    private final SchemaTracker schemas;
    private final int workers;
    private final List<Connection> open = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;
    private volatile Throwable failure;

    BulkSnapshot(PostgresSourceConfig config, ChangeLog log, CdcMetrics metrics, SchemaTracker schemas) {
        this.config = config;
        this.log = log;
        this.metrics = metrics;
        this.schemas = schemas;
        this.workers = config.snapshotWorkers();
    }

    /** One range of one table. */
    private record Range(TableId table, int index, String where) {
    }

    /** Decoded rows of a range with their keys, made by the reader; {@code last} once the range is read through. */
    private record Batch(Range range, List<Row> rows, List<RowKey> keys, boolean last) {
    }

    /**
     * Why these tables cannot be read by COPY (a column type without a decoder here), or empty when they can.
     */
    static java.util.Optional<String> unreadable(PostgresSourceConfig config, List<TableId> tables) {
        Map<TableId, StreamSchemaReader.Shape> shapes;
        try {
            shapes = StreamSchemaReader.read(config, tables);
        } catch (RheiException e) {
            return java.util.Optional.empty(); // a type Rhei does not support at all: the snapshot stops with this message
        }
        try (Connection c = config.connect()) {
            return plan(c, shapes).values().stream().filter(r -> r.columns().isEmpty()).map(BulkSnapshotColumns.Readable::problem)
                    .findFirst();
        } catch (SQLException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    /** How each table would be read by COPY, or why it cannot be. */
    private static Map<TableId, BulkSnapshotColumns.Readable> plan(Connection c, Map<TableId, StreamSchemaReader.Shape> shapes)
            throws SQLException {
        Map<TableId, BulkSnapshotColumns.Readable> out = new java.util.LinkedHashMap<>();
        for (var shape : shapes.values()) {
            out.put(shape.table(), BulkSnapshotColumns.plan(c, shape.table(), shape.columns()));
        }
        return out;
    }

    /**
     * Reads every table into the log; returns the WAL position streaming must pass before the copy is exact (0 when the
     * whole snapshot came from the slot's own). {@code tablesRemaining} hears how many tables are not finished.
     */
    long run(List<TableId> tables, IntConsumer tablesRemaining) throws InterruptedException {
        long started = System.nanoTime();
        BulkSnapshotState state = BulkSnapshotState.load(config.bulkSnapshotStateFile());
        Map<TableId, StreamSchemaReader.Shape> shapes = StreamSchemaReader.read(config, tables);
        Map<TableId, BulkSnapshotColumns> plans = new HashMap<>();
        Connection replication = null;
        long catchUp = 0; // stays 0 when every range comes from the slot's exported snapshot
        try {
            try (Connection c = config.connect()) {
                for (var r : plan(c, shapes).entrySet()) {
                    plans.put(r.getKey(), r.getValue().columns().orElseThrow(() -> new RheiException(r.getValue().problem()
                            + ": set source.snapshot-method=incremental, or leave the column out (source.columns.exclude)")));
                }
                String resumeProblem = resumeProblem(c, state, tables, shapes);
                String snapshotName = null;
                if (resumeProblem != null) {
                    if (state.consistentLsn() != 0) {
                        LOG.info("the bulk snapshot starts over from a new replication slot: {}", resumeProblem);
                    }
                    dropSlot(c);
                    ensurePublication(c, tables);
                    replication = replicationConnection();
                    ReplicationSlotInfo slot = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                            .logical().withSlotName(config.slot()).withOutputPlugin("pgoutput").make();
                    snapshotName = slot.getSnapshotName();
                    state.startOver(slot.getConsistentPoint().asLong());
                    boolean tidRanges = serverVersion(c) >= 140000;
                    for (TableId t : tables) {
                        state.ranges(t, tidRanges ? pageRanges(c, t) : new long[]{0});
                    }
                    state.save();
                    LOG.info("replication slot {} created at {}; reading {} tables with its snapshot over {} connections",
                            config.slot(), slot.getConsistentPoint(), tables.size(), workers);
                }
                List<Connection> readers = openReaders(snapshotName);
                if (replication != null) {
                    replication.close(); // every reader has imported the snapshot: it lives on in their transactions
                    replication = null;
                } else {
                    catchUp = currentLsn(c);
                    LOG.info("the bulk snapshot resumes: the ranges not yet in the log are read with a new snapshot; streaming from "
                            + "the slot's point ({}) replays the changes since, and the copy is exact once it passes {}",
                            org.postgresql.replication.LogSequenceNumber.valueOf(state.consistentLsn()),
                            org.postgresql.replication.LogSequenceNumber.valueOf(catchUp));
                }
                copyAll(tables, shapes, plans, state, readers, tablesRemaining);
            }
        } catch (SQLException e) {
            throw new RheiException("the bulk snapshot failed: " + e.getMessage().strip() + " (a restart continues it)", e);
        } finally {
            closeQuietly(replication);
            for (Connection c : open) {
                closeQuietly(c);
            }
            open.clear();
        }
        StreamingStart.store(config, state.consistentLsn());
        double secs = (System.nanoTime() - started) / 1e9;
        long rows = metrics.snapshotRowsCopied();
        LOG.info("bulk snapshot done: {} tables, {} rows in {} s ({} rows/s)", tables.size(), String.format("%,d", rows),
                String.format("%.1f", secs), String.format("%,.0f", rows / Math.max(secs, 1e-3)));
        return catchUp;
    }

    /** Stops the readers (their connections are closed, which ends a running COPY). */
    void stop() {
        stopped = true;
        for (Connection c : open) {
            closeQuietly(c);
        }
    }

    /** Null when the snapshot can continue where it stopped, else why it starts over. */
    private String resumeProblem(Connection c, BulkSnapshotState state, List<TableId> tables,
                                 Map<TableId, StreamSchemaReader.Shape> shapes) throws SQLException {
        if (state.consistentLsn() == 0) {
            return "no slot was created yet";
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND database = "
                + "current_database() AND confirmed_flush_lsn = ?::pg_lsn AND NOT coalesce(wal_status = 'lost', false)")) {
            ps.setString(1, config.slot());
            ps.setString(2, org.postgresql.replication.LogSequenceNumber.valueOf(state.consistentLsn()).asString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "replication slot " + config.slot() + " is gone or has moved since the snapshot began";
                }
            }
        }
        for (TableId t : tables) {
            if (state.ranges(t) == null) {
                return "table " + t + " was not part of the snapshot that began";
            }
            if (!state.done(t).isEmpty()) {
                StreamSchemaReader.Shape shape = shapes.get(t);
                TableSchema known = schemas.current(t).orElse(null);
                if (known == null || !known.columns().equals(shape.columns()) || !known.primaryKey().equals(shape.primaryKey())) {
                    return "the columns of " + t + " changed since part of it was read";
                }
            }
        }
        return null;
    }

    private void copyAll(List<TableId> tables, Map<TableId, StreamSchemaReader.Shape> shapes, Map<TableId, BulkSnapshotColumns> plans,
                         BulkSnapshotState state, List<Connection> readers, IntConsumer tablesRemaining) throws InterruptedException {
        ConcurrentLinkedQueue<Range> todo = new ConcurrentLinkedQueue<>();
        Map<TableId, Integer> rangesLeft = new HashMap<>();
        Map<TableId, TableSchema> schemaOf = new HashMap<>();
        List<LogRecord> head = new ArrayList<>();
        PositionCounter positions = new PositionCounter(log.lastPosition(), state.consistentLsn());
        for (TableId t : tables) {
            long[] starts = state.ranges(t);
            TreeSet<Integer> done = state.done(t);
            StreamSchemaReader.Shape shape = shapes.get(t);
            SchemaTracker.Resolved resolved = schemas.resolve(t, shape.columns(), shape.primaryKey());
            schemaOf.put(t, resolved.schema());
            if (done.size() == starts.length) {
                continue;
            }
            if (resolved.isNew()) {
                head.add(SchemaChange.of(resolved.schema(), positions.next()));
            }
            if (done.isEmpty()) {
                // rows of an earlier, unfinished attempt go: the table is built again from this read
                head.add(ChangeEvent.truncate(t, resolved.schema().version(), positions.next(), 0, 0));
            }
            for (int i = 0; i < starts.length; i++) {
                if (!done.contains(i)) {
                    todo.add(new Range(t, i, where(starts, i)));
                }
            }
            rangesLeft.put(t, starts.length - done.size());
        }
        if (!head.isEmpty()) {
            log.append(head);
        }
        AtomicInteger remaining = new AtomicInteger(rangesLeft.size());
        tablesRemaining.accept(remaining.get());
        BlockingQueue<Batch> batches = new ArrayBlockingQueue<>(4 * readers.size());
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < readers.size(); w++) {
            Connection reader = readers.get(w);
            Thread t = new Thread(() -> readRanges(reader, todo, plans, schemaOf, batches), "rhei-bulk-snapshot-" + w);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Map<TableId, Long> tableRows = new HashMap<>();
        List<LogRecord> events = new ArrayList<>(BATCH_ROWS);
        try {
            while (!rangesLeft.isEmpty()) {
                Batch b = batches.poll(200, TimeUnit.MILLISECONDS);
                if (b == null) {
                    if (failure != null) {
                        throw failure instanceof RheiException re ? re : new RheiException("the bulk snapshot failed: " + failure.getMessage(), failure);
                    }
                    if (stopped) {
                        throw new InterruptedException("the bulk snapshot was stopped");
                    }
                    continue;
                }
                TableId t = b.range().table();
                int version = schemaOf.get(t).version();
                if (!b.rows().isEmpty()) {
                    events.clear();
                    for (int i = 0; i < b.rows().size(); i++) {
                        events.add(new ChangeEvent(LogRecord.UNSEQUENCED, t, Operation.SNAPSHOT_READ, version, b.keys().get(i), null,
                                b.rows().get(i), positions.next(), 0, 0));
                    }
                    log.append(events);
                    metrics.snapshotRowsCopied(t, events.size());
                    metrics.snapshotRowsCopied(events.size());
                    tableRows.merge(t, (long) events.size(), Long::sum);
                }
                if (b.last()) {
                    state.rangeDone(t, b.range().index());
                    int left = rangesLeft.merge(t, -1, Integer::sum);
                    if (left == 0) {
                        rangesLeft.remove(t);
                        tablesRemaining.accept(remaining.decrementAndGet());
                        LOG.info("{} read: {} rows", t, String.format("%,d", tableRows.getOrDefault(t, 0L)));
                    }
                }
            }
        } finally {
            if (!rangesLeft.isEmpty()) {
                stop(); // ends a COPY under way at once
            }
            for (Thread t : threads) {
                t.interrupt();
                t.join(10_000);
            }
        }
    }

    private void readRanges(Connection reader, ConcurrentLinkedQueue<Range> todo, Map<TableId, BulkSnapshotColumns> plans,
                            Map<TableId, TableSchema> schemas, BlockingQueue<Batch> out) {
        try {
            for (Range r = todo.poll(); r != null && !stopped; r = todo.poll()) {
                BulkSnapshotColumns plan = plans.get(r.table());
                String sql = "COPY (SELECT " + plan.selectList() + " FROM " + SqlIdentifiers.quote(r.table().schema()) + "."
                        + SqlIdentifiers.quote(r.table().table()) + r.where() + ") TO STDOUT (FORMAT binary)";
                CopyOut copy = reader.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
                CopyBinaryDecoder decoder = new CopyBinaryDecoder(r.table(), plan.columns(), plan.wires(), copy::readFromCopy);
                TableSchema schema = schemas.get(r.table());
                List<Row> rows = new ArrayList<>(BATCH_ROWS);
                List<RowKey> keys = new ArrayList<>(BATCH_ROWS);
                for (Object[] values = decoder.next(); values != null; values = decoder.next()) {
                    Row row = Row.wrap(values);
                    rows.add(row);
                    // a keyless table's key is its whole row
                    keys.add(schema.hasPrimaryKey() ? schema.keyOf(row) : RowKey.wrap(values.clone()));
                    if (rows.size() == BATCH_ROWS) {
                        out.put(new Batch(r, rows, keys, false));
                        rows = new ArrayList<>(BATCH_ROWS);
                        keys = new ArrayList<>(BATCH_ROWS);
                    }
                }
                while (copy.isActive() && copy.readFromCopy() != null) {
                    // past the trailer: read to the end of the COPY, or the connection stays locked for the next one
                }
                out.put(new Batch(r, rows, keys, true));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            if (!stopped) {
                failure = e instanceof SQLException ? new RheiException("reading for the bulk snapshot failed: " + e.getMessage().strip()
                        + " (a restart continues where it stopped)", e) : e;
            }
        }
    }

    /** The rows of range {@code i}: from its first page up to the next range's (the last one runs to the end). */
    private static String where(long[] starts, int i) {
        if (starts.length == 1) {
            return "";
        }
        String from = i == 0 ? "" : "ctid >= '(" + starts[i] + ",0)'::tid";
        String to = i == starts.length - 1 ? "" : "ctid < '(" + starts[i + 1] + ",0)'::tid";
        return " WHERE " + (from.isEmpty() ? to : to.isEmpty() ? from : from + " AND " + to);
    }

    /** Page ranges of about equal size: enough of them for every reader, none over {@link #MAX_RANGE_PAGES}. */
    private long[] pageRanges(Connection c, TableId t) throws SQLException {
        long pages;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_relation_size((quote_ident(?) || '.' || quote_ident(?))::regclass) "
                + "/ current_setting('block_size')::int8")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                pages = rs.getLong(1);
            }
        }
        long per = Math.min(MAX_RANGE_PAGES, Math.max(1024, (pages + 4L * workers - 1) / (4L * workers)));
        int n = (int) Math.max(1, (pages + per - 1) / per);
        long[] starts = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = i * per;
        }
        return starts;
    }

    /** One connection per reader, each in a repeatable-read transaction on the exported snapshot (or a new one). */
    private List<Connection> openReaders(String snapshotName) throws SQLException {
        List<Connection> readers = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Connection c = config.connect();
            open.add(c);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try (Statement st = c.createStatement()) {
                st.execute(snapshotName != null ? "SET TRANSACTION SNAPSHOT '" + snapshotName + "'" : "SELECT 1");
            }
            readers.add(c);
        }
        return readers;
    }

    private Connection replicationConnection() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", config.user());
        props.setProperty("password", config.password());
        props.setProperty("replication", "database");
        props.setProperty("assumeMinServerVersion", "10");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("connectTimeout", "10");
        Connection c = DriverManager.getConnection(config.jdbcUrl(), props);
        open.add(c);
        return c;
    }

    /**
     * The publication must exist before the slot: pgoutput decodes each change with the catalog as of its place in the
     * WAL, so a change made before the publication existed would not be published. Created as Debezium's "filtered"
     * mode would, with the signal table that carries resync requests.
     */
    private void ensurePublication(Connection c, List<TableId> tables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, config.publication());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (TableId t : tables) {
            names.add(SqlIdentifiers.quote(t.schema()) + "." + SqlIdentifiers.quote(t.table()));
        }
        if (config.resumableSnapshots()) {
            TableId signal = TableId.parse(config.signalTable());
            names.add(SqlIdentifiers.quote(signal.schema()) + "." + SqlIdentifiers.quote(signal.table()));
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE PUBLICATION " + SqlIdentifiers.quote(config.publication()) + (names.isEmpty() ? "" : " FOR TABLE "
                    + String.join(", ", names)));
        }
        LOG.info("publication {} created for {} tables", config.publication(), names.size());
    }

    private void dropSlot(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                + "WHERE slot_name = ? AND database = current_database()")) {
            ps.setString(1, config.slot());
            ps.execute();
        }
    }

    private static long currentLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return org.postgresql.replication.LogSequenceNumber.valueOf(rs.getString(1)).asLong();
        }
    }

    private static int serverVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing a bulk snapshot connection: {}", e.getMessage());
        }
    }

    /**
     * Source positions of snapshot records: below every streamed one (commit LSN 0), at the slot's consistent point, and
     * above whatever the log holds already (an earlier attempt), since the log drops what does not grow.
     */
    private static final class PositionCounter {
        private long lsn;
        private int sub;

        PositionCounter(SourcePosition last, long consistentLsn) {
            if (last.commitLsn() == 0 && Long.compareUnsigned(last.lsn(), consistentLsn) >= 0 && last.sub() >= 0) {
                lsn = last.lsn();
                sub = last.sub();
                advance();
            } else {
                lsn = consistentLsn;
                sub = 0;
            }
        }

        SourcePosition next() {
            SourcePosition p = new SourcePosition(0, lsn, sub);
            advance();
            return p;
        }

        private void advance() {
            if (sub == Integer.MAX_VALUE) {
                lsn++;
                sub = 0;
            } else {
                sub++;
            }
        }
    }
}
