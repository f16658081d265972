package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.TableSchema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * Converts Debezium Connect records into log records, straight from the Connect structs.
 *
 * <p><b>Positions.</b> Debezium's {@code source.sequence} is {@code [commit LSN of the previous transaction, LSN of
 * this change]}; records sharing both (snapshot rows, a primary-key change's delete + insert) are numbered in
 * arrival order {@code n = 0, 1, ...}, restarting in every process so re-delivered records get the numbers they
 * had the first time. The log's de-duplication compares {@code (commit, lsn, sub)}: change events take
 * {@code sub = 4n + 3}; records this converter adds before them take the free slots below: a new schema version
 * {@code 4n + 1}, the truncate that starts a table's snapshot {@code 4n + 2}.
 *
 * <p><b>Incremental snapshots</b> (the resumable initial snapshot, {@link InitialSnapshot}) are different: Debezium
 * reads a chunk of rows by primary key between two watermark rows it writes to the signal table, drops the rows that
 * the stream changed meanwhile and emits the rest when the stream reaches the closing watermark. Those rows are
 * upserts at the watermark's stream position, numbered like any records sharing a position; every re-read after a
 * restart closes a new watermark at a later position, so the log never mistakes it for a re-delivery.
 *
 * <p><b>Blocking snapshots</b> replace a table: the first snapshot row of a table is preceded by a TRUNCATE, so a snapshot
 * that Debezium repeats (after an interrupted first attempt) leaves no row the new snapshot no longer has.
 * Snapshot rows carry, in place of a commit LSN, one more than the commit LSN of the last record the log held (or
 * this process converted) when the snapshot run began: a first snapshot (empty log) sorts before every streamed change, and a snapshot
 * Debezium repeats after streaming had begun (it does when the process died before its offsets were flushed)
 * sorts after everything already in the log, so the log keeps it instead of dropping it as re-delivered. (Found
 * by SidecarCrashTest: dropping it lost the changes between the old stream position and the new snapshot.)
 */
final class RecordConverter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecordConverter.class);
    private final SchemaTracker schemas;
    private final java.util.function.Supplier<SourcePosition> logEnd;
    /** The watermark table of resumable snapshots, whose changes are not captured; null when there is none. */
    private final TableId signalTable;
    /** The commit LSN the rows of the current snapshot run carry; fixed when its first row arrives. */
    private long snapshotCommit = -1;
    /** The LSN of the current snapshot run. */
    private long snapshotLsn = Long.MIN_VALUE;
    /** The highest commit LSN of a streamed record this converter has seen. */
    private long maxStreamedCommit;
    private final Map<Schema, Shape> shapes = new IdentityHashMap<>();
    /** The tables of an execute-snapshot signal's data, {@code "data-collections": ["a.b", ...]}. */
    private static final java.util.regex.Pattern DATA_COLLECTIONS = java.util.regex.Pattern.compile("\"data-collections\"\\s*:\\s*\\[([^\\]]*)\\]");
    /** Tables whose snapshot rows this process has seen: Debezium's first/last markers coincide for one-row tables. */
    private final Set<TableId> snapshotStarted = new HashSet<>();
    private long prevCommit = -1;
    private long prevLsn = -1;
    private int n;

    /** {@code logEnd}: the source position of the last record in the change log. */
    RecordConverter(SchemaTracker schemas, java.util.function.Supplier<SourcePosition> logEnd, TableId signalTable) {
        this.schemas = schemas;
        this.logEnd = logEnd;
        this.signalTable = signalTable;
    }

    /** The columns and key Debezium describes for one table, derived once per Connect schema object. */
    private record Shape(TableId table, List<Column> columns, List<String> primaryKey, Schema rowSchema) {
    }

    /** Adds the log records for {@code record} to {@code out}; heartbeats and other non-change records add nothing. */
    void convert(SourceRecord record, List<LogRecord> out) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("record topic {} schema {}", record.topic(), record.valueSchema() == null ? null : record.valueSchema().name());
        }
        if (!(record.value() instanceof Struct value) || record.valueSchema().name() == null
                || !record.valueSchema().name().endsWith(".Envelope")) {
            return;
        }
        Struct source = value.getStruct("source");
        TableId table = TableId.of(source.getString("schema"), source.getString("table"));
        String op = value.getString("op");
        String snapshot = source.schema().field("snapshot") == null ? null : String.valueOf(source.get("snapshot"));
        // Rows of an incremental (resumable) snapshot come in the stream, at the position of the watermark that closed
        // their chunk: plain upserts in stream order, with nothing to replace.
        boolean snapshotRead = "r".equals(op) && !"incremental".equals(snapshot);
        long[] seq = parseSequence(source.get("sequence"), table);
        if (LOG.isTraceEnabled()) {
            LOG.trace("{} op {} sequence {} snapshot {}", table, op, source.get("sequence"), snapshot);
        }
        if (snapshotRead) {
            if (snapshotLsn != seq[1]) {
                // A new snapshot run (the first, or a table re-snapshotted by rhei resync): each has its own LSN.
                snapshotLsn = seq[1];
                snapshotCommit = -1;
                snapshotStarted.clear();
            }
            if (snapshotCommit < 0) {
                // after everything appended, and everything converted but not yet appended (the same batch)
                long base = Math.max(0, Math.max(logEnd.get().commitLsn(), maxStreamedCommit));
                // + 1: a blocking snapshot (resync) reports the last streamed record's position; its rows must sort after it.
                // Streamed records after the snapshot carry the next commit LSN, which is larger still.
                snapshotCommit = base == 0 ? 0 : base + 1;
                if (snapshotCommit > 0) {
                    LOG.info("a snapshot after streaming had begun (rhei resync, or Debezium repeating one whose offsets were not "
                            + "flushed before the last stop): it replaces the tables it reads, after commit LSN {}", snapshotCommit);
                }
            }
            seq[0] = snapshotCommit;
        } else {
            maxStreamedCommit = Math.max(maxStreamedCommit, seq[0]);
        }
        if (seq[0] == prevCommit && seq[1] == prevLsn) {
            n++;
        } else {
            n = 0;
            prevCommit = seq[0];
            prevLsn = seq[1];
        }
        long txId = source.get("txId") instanceof Number t ? t.longValue() : 0;
        long commitMicros = commitMicros(source);
        if (table.equals(signalTable)) {
            // watermark rows and requests of incremental snapshots: Debezium acts on them, they are not data; but a
            // request marks the place in the stream where the tables it names start over
            truncateAtSnapshotRequest(value, seq, commitMicros, out);
            return;
        }
        if ("t".equals(op) && schemas.current(table).isPresent()) {
            // A TRUNCATE record has no key schema: resolving its shape would make a keyless schema version.
            out.add(ChangeEvent.truncate(table, schemas.current(table).get().version(), position(seq, 3), txId, commitMicros));
            return;
        }
        Shape shape = shape(table, record);
        SchemaTracker.Resolved resolved = schemas.resolve(table, shape.columns(), shape.primaryKey());
        TableSchema schema = resolved.schema();
        if (resolved.isNew()) {
            out.add(SchemaChange.of(schema, position(seq, 1)));
        }
        if (snapshotRead && snapshotStarted.add(table)) {
            out.add(ChangeEvent.truncate(table, schema.version(), position(seq, 2), txId, commitMicros));
        }
        SourcePosition pos = position(seq, 3);
        switch (op) {
            case "r", "c", "u" -> {
                Row after = row(schema, shape, value.getStruct("after"));
                Operation operation = op.equals("r") ? Operation.SNAPSHOT_READ : op.equals("c") ? Operation.INSERT : Operation.UPDATE;
                out.add(new ChangeEvent(LogRecord.UNSEQUENCED, table, operation, schema.version(), key(schema, after),
                        before(schema, shape, value), after, pos, txId, commitMicros));
            }
            case "d" -> {
                Row before = before(schema, shape, value);
                RowKey key = schema.hasPrimaryKey() ? keyFromRecord(schema, record) : keyOfKeyless(before, table);
                out.add(new ChangeEvent(LogRecord.UNSEQUENCED, table, Operation.DELETE, schema.version(), key, before, null, pos,
                        txId, commitMicros));
            }
            case "t" -> out.add(ChangeEvent.truncate(table, schema.version(), pos, txId, commitMicros));
            default -> throw new RheiException("Debezium record for " + table + " has unknown operation '" + op + "' at " + pos);
        }
    }

    /**
     * An incremental snapshot request (a resync) replaces the tables it names: a TRUNCATE at the request's place in the
     * stream, so that rows deleted before it go, and everything after it (streamed changes and the snapshot's chunks,
     * all later in the stream) builds the table again. Tables the log does not know yet have nothing to replace.
     */
    private void truncateAtSnapshotRequest(Struct value, long[] seq, long commitMicros, List<LogRecord> out) {
        Struct after = "c".equals(value.getString("op")) ? value.getStruct("after") : null;
        if (after == null || !"execute-snapshot".equals(after.get("type")) || !(after.get("data") instanceof String data)
                || !data.contains("INCREMENTAL")) {
            return;
        }
        java.util.regex.Matcher m = DATA_COLLECTIONS.matcher(data);
        if (!m.find()) {
            return;
        }
        boolean first = true;
        for (String name : m.group(1).split(",")) {
            String qualified = name.strip().replace("\"", "");
            var schema = qualified.isEmpty() ? java.util.Optional.<TableSchema>empty() : schemas.current(TableId.parse(qualified));
            if (schema.isPresent()) {
                if (!first) {
                    n++; // the next free number at this position
                }
                first = false;
                out.add(ChangeEvent.truncate(schema.get().table(), schema.get().version(), position(seq, 2), 0, commitMicros));
                LOG.info("{} is snapshotted again: replaced from commit LSN {} on", schema.get().table(), seq[0]);
            }
        }
    }

    private Shape shape(TableId table, SourceRecord record) {
        Schema envelope = record.valueSchema();
        return shapes.computeIfAbsent(envelope, e -> {
            Schema rowSchema = e.field("after") != null ? e.field("after").schema() : e.field("before").schema();
            List<String> pk = new ArrayList<>();
            if (record.keySchema() != null && record.keySchema().type() == Schema.Type.STRUCT) {
                for (Field f : record.keySchema().fields()) {
                    pk.add(f.name());
                }
            }
            return new Shape(table, ConnectSchemaMapper.columns(table, rowSchema), pk, rowSchema);
        });
    }

    private static Row row(TableSchema schema, Shape shape, Struct struct) {
        if (struct == null) {
            return null;
        }
        Object[] values = new Object[schema.columnCount()];
        List<Field> fields = shape.rowSchema().fields();
        for (int i = 0; i < values.length; i++) {
            Field f = fields.get(i);
            values[i] = ValueConverter.convert(schema.table(), f.name(), schema.column(i).type(), f.schema(), struct.get(f));
        }
        return Row.wrap(values);
    }

    /** The old image, when PostgreSQL sent a complete one (REPLICA IDENTITY FULL); key-only images are not kept. */
    private static Row before(TableSchema schema, Shape shape, Struct value) {
        Struct before = value.getStruct("before");
        if (before == null) {
            return null;
        }
        Row row = row(schema, shape, before);
        for (int i = 0; i < schema.columnCount(); i++) {
            if (row.get(i) == null && !schema.column(i).nullable()) {
                return null; // identity DEFAULT: only key columns are filled
            }
        }
        return row;
    }

    private static RowKey key(TableSchema schema, Row after) {
        if (schema.hasPrimaryKey()) {
            return schema.keyOf(after);
        }
        return keyOfKeyless(after, schema.table());
    }

    private static RowKey keyFromRecord(TableSchema schema, SourceRecord record) {
        Struct key = (Struct) record.key();
        Object[] values = new Object[schema.primaryKey().size()];
        int i = 0;
        for (int p : schema.keyPositions()) {
            Column c = schema.column(p);
            Field f = key.schema().field(c.name());
            values[i++] = ValueConverter.convert(schema.table(), c.name(), c.type(), f.schema(), key.get(f));
        }
        return RowKey.wrap(values);
    }

    /** Keyless tables: the whole row stands for the key (the engine pauses such tables on update/delete). */
    private static RowKey keyOfKeyless(Row row, TableId table) {
        if (row == null) {
            return RowKey.of();
        }
        return RowKey.wrap(row.toArray());
    }

    private SourcePosition position(long[] seq, int slot) {
        if (n > (Integer.MAX_VALUE - 3) / 4) {
            throw new RheiException("more than " + ((Integer.MAX_VALUE - 3) / 4) + " records share source position " + seq[0] + "/" + seq[1]);
        }
        return new SourcePosition(seq[0], seq[1], 4 * n + slot);
    }

    private long[] parseSequence(Object sequence, TableId table) {
        if (!(sequence instanceof String s)) {
            throw new RheiException("Debezium record for " + table + " has no source.sequence: cannot order it");
        }
        String[] parts = s.replace("[", "").replace("]", "").replace("\"", "").split(",");
        if (parts.length != 2) {
            throw new RheiException("Debezium record for " + table + " has a malformed source.sequence " + s);
        }
        return new long[]{parseLsn(parts[0].trim()), parseLsn(parts[1].trim())};
    }

    private static long parseLsn(String p) {
        return p.isEmpty() || p.equals("null") ? 0 : Long.parseLong(p);
    }

    private static long commitMicros(Struct source) {
        Field us = source.schema().field("ts_us");
        if (us != null && source.get(us) instanceof Number v) {
            return v.longValue();
        }
        Object ms = source.get("ts_ms");
        return ms instanceof Number v ? v.longValue() * 1000 : 0;
    }
}
