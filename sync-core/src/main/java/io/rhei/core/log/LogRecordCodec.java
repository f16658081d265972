package io.rhei.core.log;

import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.TableId;
import io.rhei.core.model.Unchanged;
import io.rhei.core.model.Values;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The change log's binary record format. No Java serialization: every field is written explicitly, so the
 * format is stable, compact and readable by any implementation of this page.
 *
 * <pre>
 * record   := u8 format(=1) | u8 kind(1 change, 2 schema) | i64 seq | i64 commitLsn | i64 lsn | i32 sub
 *             | body | u32 crc32c(all bytes before it)
 * change   := str table | u8 op | varint schemaVersion | zigzag txId | i64 commitTimeMicros
 *             | image key | image before | image after
 * image    := u8 0 (absent) | u8 1 varint count value*
 * schema   := str table | varint version | varint columns (str name | u8 kind | varint precision | varint scale
 *             | u8 nullable | value default)* | varint keyColumns str*
 * value    := u8 tag payload   (tags below; integers zigzag varints, floats IEEE big-endian,
 *             decimal = varint scale + str unscaled two's complement, times in microseconds)
 * str      := varint length | bytes (UTF-8 for text)
 * </pre>
 * Fixed-width integers are big-endian. Instances keep scratch state: one per thread.
 */
public final class LogRecordCodec {
    public static final int FORMAT_VERSION = 1;
    static final int KIND_CHANGE = 1;
    static final int KIND_SCHEMA = 2;
    /** Bytes before the body: format, kind, seq, commitLsn, lsn, sub. */
    static final int HEADER_BYTES = 1 + 1 + 8 + 8 + 8 + 4;
    static final int CHECKSUM_BYTES = 4;

    private static final int TAG_NULL = 0;
    private static final int TAG_UNCHANGED = 1;
    private static final int TAG_FALSE = 2;
    private static final int TAG_TRUE = 3;
    private static final int TAG_INT16 = 4;
    private static final int TAG_INT32 = 5;
    private static final int TAG_INT64 = 6;
    private static final int TAG_FLOAT32 = 7;
    private static final int TAG_FLOAT64 = 8;
    private static final int TAG_DECIMAL = 9;
    private static final int TAG_TEXT = 10;
    private static final int TAG_BYTES = 11;
    private static final int TAG_DATE = 12;
    private static final int TAG_TIME = 13;
    private static final int TAG_TIMESTAMP = 14;
    private static final int TAG_TIMESTAMPTZ = 15;
    private static final int TAG_UUID = 16;

    private static final ColumnType.Kind[] KINDS = ColumnType.Kind.values();

    private final RecordBuffer out = new RecordBuffer(512);
    private final RecordReader in = new RecordReader();
    private final CRC32C crc = new CRC32C();
    private final TableIdCache tableIds = new TableIdCache();

    /**
     * Encodes {@code record} (with its sequence number) into this codec's buffer; read it with
     * {@link #encodedArray()} and {@link #encodedLength()} before the next call.
     *
     * @throws MalformedRecordException naming the table, column and value that cannot be encoded
     */
    public void encode(LogRecord record) {
        encode(record, record.seq());
    }

    /** As {@link #encode(LogRecord)}, with sequence number {@code seq} in place of the record's own (no copy of it made). */
    public void encode(LogRecord record, long seq) {
        out.clear();
        out.writeByte(FORMAT_VERSION);
        out.writeByte(record instanceof ChangeEvent ? KIND_CHANGE : KIND_SCHEMA);
        out.writeLong(seq);
        SourcePosition p = record.position();
        out.writeLong(p.commitLsn());
        out.writeLong(p.lsn());
        out.writeInt(p.sub());
        if (record instanceof ChangeEvent e) {
            writeChange(e);
        } else {
            writeSchema(((SchemaChange) record).schema());
        }
        crc.reset();
        crc.update(out.array(), 0, out.length());
        out.writeInt((int) crc.getValue());
    }

    public byte[] encodedArray() {
        return out.array();
    }

    public int encodedLength() {
        return out.length();
    }

    /** Convenience for tests and tools: the encoded bytes of {@code record} as a new array. */
    public byte[] toBytes(LogRecord record) {
        encode(record);
        return Arrays.copyOf(out.array(), out.length());
    }

    /** Whether the last four bytes of {@code bytes[offset, offset+length)} are the CRC32C of the rest. */
    public boolean checksumMatches(byte[] bytes, int offset, int length) {
        if (length < HEADER_BYTES + CHECKSUM_BYTES) {
            return false;
        }
        crc.reset();
        crc.update(bytes, offset, length - CHECKSUM_BYTES);
        int end = offset + length - CHECKSUM_BYTES;
        int stored = ((bytes[end] & 0xFF) << 24) | ((bytes[end + 1] & 0xFF) << 16) | ((bytes[end + 2] & 0xFF) << 8) | (bytes[end + 3] & 0xFF);
        return stored == (int) crc.getValue();
    }

    /**
     * Decodes one record. Checks the format version (a log written by a newer build says so), then the checksum.
     *
     * @throws MalformedRecordException when the checksum fails or the bytes do not decode
     */
    public LogRecord decode(byte[] bytes, int offset, int length) {
        if (length > 0 && bytes[offset] != FORMAT_VERSION) {
            throw new MalformedRecordException("unknown record format " + bytes[offset] + " (this build reads format " + FORMAT_VERSION + ")");
        }
        if (!checksumMatches(bytes, offset, length)) {
            throw new MalformedRecordException("checksum mismatch over " + length + " bytes");
        }
        in.reset(bytes, offset, length - CHECKSUM_BYTES);
        int format = in.readByte();
        if (format != FORMAT_VERSION) {
            throw new MalformedRecordException("unknown record format " + format + " (this build reads format " + FORMAT_VERSION + ")");
        }
        int kind = in.readByte();
        long seq = in.readLong();
        SourcePosition position = new SourcePosition(in.readLong(), in.readLong(), in.readInt());
        LogRecord record;
        if (kind == KIND_CHANGE) {
            record = readChange(seq, position);
        } else if (kind == KIND_SCHEMA) {
            record = new SchemaChange(seq, readSchema(), position);
        } else {
            throw new MalformedRecordException("unknown record kind " + kind);
        }
        if (!in.atEnd()) {
            throw new MalformedRecordException("trailing bytes after record body at offset " + in.position());
        }
        return record;
    }

    /** The sequence number stored in an encoded record's header, without decoding the rest. */
    static long peekSeq(byte[] bytes, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[offset + 2 + i] & 0xFF);
        }
        return v;
    }

    // ---- change events

    private void writeChange(ChangeEvent e) {
        out.writeLengthPrefixed(e.table().utf8());
        out.writeByte(e.op().code());
        out.writeVarLong(e.schemaVersion());
        out.writeZigZag(e.txId());
        out.writeLong(e.commitTimeMicros());
        try {
            writeKey(e.key());
            writeImage(e.before());
            writeImage(e.after());
        } catch (IllegalArgumentException | ClassCastException ex) {
            throw new MalformedRecordException("cannot encode " + e + ": " + ex.getMessage(), ex);
        }
    }

    private ChangeEvent readChange(long seq, SourcePosition position) {
        TableId table = readTable();
        Operation op;
        try {
            op = Operation.fromCode((byte) in.readByte());
        } catch (IllegalArgumentException ex) {
            throw new MalformedRecordException(ex.getMessage() + " in event on " + table);
        }
        int schemaVersion = in.readVarInt();
        long txId = in.readZigZag();
        long commitTime = in.readLong();
        Object[] key = readValues();
        Object[] before = readValues();
        Object[] after = readValues();
        try {
            return new ChangeEvent(seq, table, op, schemaVersion, key == null ? null : RowKey.wrap(key),
                    before == null ? null : Row.wrap(before), after == null ? null : Row.wrap(after), position, txId, commitTime);
        } catch (IllegalArgumentException ex) {
            throw new MalformedRecordException(ex.getMessage());
        }
    }

    private TableId readTable() {
        int len = in.readVarInt();
        int start = in.skip(len);
        return tableIds.get(in.array(), start, len);
    }

    private void writeKey(RowKey key) {
        if (key == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(1);
        out.writeVarLong(key.size());
        for (int i = 0; i < key.size(); i++) {
            writeValue(key.get(i), i);
        }
    }

    private void writeImage(Row row) {
        if (row == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(1);
        out.writeVarLong(row.size());
        for (int i = 0; i < row.size(); i++) {
            writeValue(row.get(i), i);
        }
    }

    private Object[] readValues() {
        int present = in.readByte();
        if (present == 0) {
            return null;
        }
        if (present != 1) {
            throw new MalformedRecordException("bad image marker " + present);
        }
        int n = in.readVarInt();
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = readValue();
        }
        return values;
    }

    // ---- values

    private void writeValue(Object v, int column) {
        if (v == null) {
            out.writeByte(TAG_NULL);
        } else if (v == Unchanged.VALUE) {
            out.writeByte(TAG_UNCHANGED);
        } else if (v instanceof String s) {
            out.writeByte(TAG_TEXT);
            out.writeLengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof Long l) {
            out.writeByte(TAG_INT64);
            out.writeZigZag(l);
        } else if (v instanceof Integer i) {
            out.writeByte(TAG_INT32);
            out.writeZigZag(i);
        } else if (v instanceof Short s) {
            out.writeByte(TAG_INT16);
            out.writeZigZag(s);
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? TAG_TRUE : TAG_FALSE);
        } else if (v instanceof Double d) {
            out.writeByte(TAG_FLOAT64);
            out.writeLong(Double.doubleToRawLongBits(d));
        } else if (v instanceof Float f) {
            out.writeByte(TAG_FLOAT32);
            out.writeInt(Float.floatToRawIntBits(f));
        } else if (v instanceof BigDecimal d) {
            out.writeByte(TAG_DECIMAL);
            out.writeZigZag(d.scale());
            out.writeLengthPrefixed(d.unscaledValue().toByteArray());
        } else if (v instanceof byte[] b) {
            out.writeByte(TAG_BYTES);
            out.writeLengthPrefixed(b);
        } else if (v instanceof Instant t) {
            out.writeByte(TAG_TIMESTAMPTZ);
            out.writeZigZag(micros(t.getEpochSecond(), t.getNano(), v, column));
        } else if (v instanceof LocalDateTime t) {
            out.writeByte(TAG_TIMESTAMP);
            out.writeZigZag(micros(t.toEpochSecond(ZoneOffset.UTC), t.getNano(), v, column));
        } else if (v instanceof LocalDate d) {
            out.writeByte(TAG_DATE);
            out.writeZigZag(d.toEpochDay());
        } else if (v instanceof LocalTime t) {
            out.writeByte(TAG_TIME);
            out.writeVarLong(micros(0, t.toNanoOfDay(), v, column));
        } else if (v instanceof UUID u) {
            out.writeByte(TAG_UUID);
            out.writeLong(u.getMostSignificantBits());
            out.writeLong(u.getLeastSignificantBits());
        } else {
            throw new IllegalArgumentException("value " + Values.format(v) + " at position " + column + " has unsupported Java type "
                    + v.getClass().getName());
        }
    }

    private static long micros(long seconds, long nanos, Object value, int column) {
        if (nanos % 1000 != 0) {
            throw new IllegalArgumentException("value " + value + " at position " + column
                    + " has sub-microsecond precision; Rhei keeps microseconds like PostgreSQL");
        }
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
    }

    private Object readValue() {
        int tag = in.readByte();
        switch (tag) {
            case TAG_NULL: return null;
            case TAG_UNCHANGED: return Unchanged.VALUE;
            case TAG_FALSE: return Boolean.FALSE;
            case TAG_TRUE: return Boolean.TRUE;
            case TAG_INT16: return (short) in.readZigZag();
            case TAG_INT32: return (int) in.readZigZag();
            case TAG_INT64: return in.readZigZag();
            case TAG_FLOAT32: return Float.intBitsToFloat(in.readInt());
            case TAG_FLOAT64: return Double.longBitsToDouble(in.readLong());
            case TAG_DECIMAL: {
                int scale = (int) in.readZigZag();
                int len = in.readVarInt();
                if (len >= 1 && len <= 8) { // most values: the digits as a long, no byte array or BigInteger
                    int start = in.skip(len);
                    byte[] a = in.array();
                    long unscaled = a[start]; // big-endian two's complement, sign-extended from the first byte
                    for (int i = 1; i < len; i++) {
                        unscaled = (unscaled << 8) | (a[start + i] & 0xFF);
                    }
                    return BigDecimal.valueOf(unscaled, scale);
                }
                return new BigDecimal(new BigInteger(in.readBytes(len)), scale);
            }
            case TAG_TEXT: {
                int len = in.readVarInt();
                int start = in.skip(len);
                return new String(in.array(), start, len, StandardCharsets.UTF_8);
            }
            case TAG_BYTES: return in.readBytes(in.readVarInt());
            case TAG_DATE: return LocalDate.ofEpochDay(in.readZigZag());
            case TAG_TIME: return LocalTime.ofNanoOfDay(in.readVarLong() * 1000);
            case TAG_TIMESTAMP: {
                long us = in.readZigZag();
                return LocalDateTime.ofEpochSecond(Math.floorDiv(us, 1_000_000L), (int) Math.floorMod(us, 1_000_000L) * 1000, ZoneOffset.UTC);
            }
            case TAG_TIMESTAMPTZ: {
                long us = in.readZigZag();
                return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000);
            }
            case TAG_UUID: return new UUID(in.readLong(), in.readLong());
            default: throw new MalformedRecordException("unknown value tag " + tag + " at offset " + (in.position() - 1));
        }
    }

    // ---- schemas

    private void writeSchema(TableSchema schema) {
        out.writeLengthPrefixed(schema.table().utf8());
        out.writeVarLong(schema.version());
        out.writeVarLong(schema.columnCount());
        for (Column c : schema.columns()) {
            out.writeLengthPrefixed(c.name().getBytes(StandardCharsets.UTF_8));
            out.writeByte(c.type().kind().ordinal());
            out.writeVarLong(c.type().precision());
            out.writeVarLong(c.type().scale());
            out.writeByte(c.nullable() ? 1 : 0);
            writeValue(c.defaultValue(), 0);
        }
        out.writeVarLong(schema.primaryKey().size());
        for (String k : schema.primaryKey()) {
            out.writeLengthPrefixed(k.getBytes(StandardCharsets.UTF_8));
        }
    }

    private TableSchema readSchema() {
        TableId table = readTable();
        int version = in.readVarInt();
        int n = in.readVarInt();
        List<Column> columns = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                String name = readString();
                int kind = in.readByte();
                if (kind >= KINDS.length) {
                    throw new MalformedRecordException("unknown column kind " + kind + " for column " + table + "." + name);
                }
                int precision = in.readVarInt();
                int scale = in.readVarInt();
                boolean nullable = in.readByte() == 1;
                Object dflt = readValue();
                columns.add(new Column(name, new ColumnType(KINDS[kind], precision, scale), nullable, dflt));
            }
            int k = in.readVarInt();
            List<String> key = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                key.add(readString());
            }
            return new TableSchema(table, version, columns, key);
        } catch (IllegalArgumentException ex) {
            throw new MalformedRecordException("bad schema of " + table + ": " + ex.getMessage(), ex);
        }
    }

    private String readString() {
        int len = in.readVarInt();
        int start = in.skip(len);
        return new String(in.array(), start, len, StandardCharsets.UTF_8);
    }

    /** Decoded table ids by their bytes, so a hot table is not re-parsed for every event. */
    private static final class TableIdCache {
        private static final int SLOTS = 64;
        private final byte[][] keys = new byte[SLOTS][];
        private final TableId[] ids = new TableId[SLOTS];

        TableId get(byte[] bytes, int offset, int length) {
            int h = 1;
            for (int i = offset; i < offset + length; i++) {
                h = 31 * h + bytes[i];
            }
            int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
            byte[] k = keys[slot];
            if (k != null && Arrays.equals(k, 0, k.length, bytes, offset, offset + length)) {
                return ids[slot];
            }
            TableId id;
            try {
                id = TableId.parse(new String(bytes, offset, length, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException ex) {
                throw new MalformedRecordException(ex.getMessage());
            }
            keys[slot] = Arrays.copyOfRange(bytes, offset, offset + length);
            ids[slot] = id;
            return id;
        }
    }
}
