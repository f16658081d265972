package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.ColumnType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Decodes PostgreSQL's binary COPY format ({@code COPY ... TO STDOUT (FORMAT binary)}) into rows of Rhei's Java values,
 * the same values {@link ValueConverter} makes of Debezium's for a streamed row, so that a row reads the same whichever
 * path brought it. The input arrives in chunks (pgjdbc hands over one CopyData message at a time); a field may straddle
 * two of them.
 *
 * <p>Each column is decoded by the wire format of its PostgreSQL type ({@link Wire}), chosen by
 * {@link BulkSnapshotColumns}; types Rhei keeps as text without a binary decoder here are selected as their text.
 */
final class CopyBinaryDecoder {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final int PG_EPOCH_DAYS = 10_957;

    /** How a column's value is laid out on the wire. */
    enum Wire { BOOL, INT2, INT4, INT8, OID, FLOAT4, FLOAT8, NUMERIC, TEXT, JSONB, BYTEA, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, UUID }

    /** Where the chunks come from: the next one, or null at the end of the COPY. */
    interface Chunks {
        byte[] next() throws java.sql.SQLException;
    }

    private final TableId table;
    private final List<Column> columns;
    private final Wire[] wires;
    private final Chunks chunks;
    private byte[] buf = new byte[0];
    private int pos;
    private boolean headerRead;
    private final byte[] scratch = new byte[8];

    CopyBinaryDecoder(TableId table, List<Column> columns, Wire[] wires, Chunks chunks) {
        if (columns.size() != wires.length) {
            throw new IllegalArgumentException(columns.size() + " columns but " + wires.length + " wire formats");
        }
        this.table = table;
        this.columns = columns;
        this.wires = wires;
        this.chunks = chunks;
    }

    /** The next row's values in column order, or null after the last row. */
    Object[] next() throws java.sql.SQLException {
        if (!headerRead) {
            readHeader();
        }
        if (!ensure(2)) {
            return null;
        }
        int fields = readShort();
        if (fields == -1) {
            return null; // the trailer
        }
        if (fields != wires.length) {
            throw new RheiException("COPY of " + table + " sent " + fields + " columns, " + wires.length + " expected: the table changed "
                    + "while it was read; start again");
        }
        Object[] row = new Object[fields];
        for (int i = 0; i < fields; i++) {
            require(4);
            int len = readInt();
            if (len < 0) {
                continue; // NULL
            }
            byte[] src;
            int off;
            if (buf.length - pos >= len) {
                src = buf;
                off = pos;
                pos += len;
            } else {
                src = readAcross(len);
                off = 0;
            }
            row[i] = decode(i, src, off, len);
        }
        return row;
    }

    private Object decode(int i, byte[] b, int off, int len) {
        Column column = columns.get(i);
        ColumnType type = column.type();
        try {
            return switch (wires[i]) {
                case BOOL -> b[off] != 0;
                case INT2 -> (short) readShort(b, off);
                case INT4 -> readInt(b, off);
                case INT8 -> readLong(b, off);
                case OID -> readInt(b, off) & 0xffff_ffffL;
                case FLOAT4 -> Float.intBitsToFloat(readInt(b, off));
                case FLOAT8 -> Double.longBitsToDouble(readLong(b, off));
                case NUMERIC -> ValueConverter.decimal(numeric(b, off), type);
                case TEXT -> text(type, new String(b, off, len, StandardCharsets.UTF_8));
                case JSONB -> new String(b, off + 1, len - 1, StandardCharsets.UTF_8); // version byte, then the text
                case BYTEA -> java.util.Arrays.copyOfRange(b, off, off + len);
                case DATE -> date(readInt(b, off));
                case TIME -> LocalTime.ofNanoOfDay(Math.multiplyExact(readLong(b, off), 1000L));
                case TIMESTAMP -> {
                    long micros = epochMicros(readLong(b, off));
                    yield LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1000,
                            ZoneOffset.UTC);
                }
                case TIMESTAMPTZ -> {
                    long micros = epochMicros(readLong(b, off));
                    yield Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
                }
                case UUID -> new UUID(readLong(b, off), readLong(b, off + 8));
            };
        } catch (RheiException e) {
            throw new RheiException("column " + table + "." + column.name() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new RheiException("value of column " + table + "." + column.name() + " (" + type + ") cannot be read from the COPY: "
                    + e.getMessage(), e);
        }
    }

    private static Object text(ColumnType type, String s) {
        return type.kind() == ColumnType.Kind.CHAR ? ValueConverter.padded(s, type.precision()) : s;
    }

    private static LocalDate date(int days) {
        if (days == Integer.MAX_VALUE || days == Integer.MIN_VALUE) {
            throw new RheiException("date 'infinity' has no value in Rhei: set source.snapshot-method=incremental, or leave the "
                    + "column out (source.columns.exclude)");
        }
        return LocalDate.ofEpochDay(days + (long) PG_EPOCH_DAYS);
    }

    private static long epochMicros(long pgMicros) {
        if (pgMicros == Long.MAX_VALUE || pgMicros == Long.MIN_VALUE) {
            throw new RheiException("timestamp 'infinity' has no value in Rhei: set source.snapshot-method=incremental, or leave the "
                    + "column out (source.columns.exclude)");
        }
        return Math.addExact(pgMicros, PG_EPOCH_MICROS);
    }

    /**
     * PostgreSQL's numeric on the wire: digit count, weight (of the first base-10000 digit), sign, display scale, then the
     * base-10000 digits. The value is the digits read as one integer, times 10000^(weight - count + 1).
     */
    static BigDecimal numeric(byte[] b, int off) {
        int ndigits = readShort(b, off);
        int weight = (short) readShort(b, off + 2);
        int sign = readShort(b, off + 4) & 0xffff;
        int dscale = readShort(b, off + 6);
        if (sign == 0xC000) {
            throw new RheiException("numeric value NaN has no decimal representation");
        }
        if (sign == 0xD000 || sign == 0xF000) {
            throw new RheiException("numeric value " + (sign == 0xD000 ? "Infinity" : "-Infinity") + " has no decimal representation");
        }
        if (ndigits == 0) {
            return BigDecimal.ZERO.setScale(dscale);
        }
        long small = 0;
        BigInteger big = null;
        int p = off + 8;
        for (int i = 0; i < ndigits; i++, p += 2) {
            int d = readShort(b, p);
            if (big == null && small <= (Long.MAX_VALUE - 9999) / 10000) {
                small = small * 10000 + d;
            } else {
                if (big == null) {
                    big = BigInteger.valueOf(small);
                }
                big = big.multiply(BigInteger.valueOf(10000)).add(BigInteger.valueOf(d));
            }
        }
        int scale = -4 * (weight - ndigits + 1);
        BigDecimal v = big == null ? BigDecimal.valueOf(small, scale) : new BigDecimal(big, scale);
        if (sign == 0x4000) {
            v = v.negate();
        }
        // digits past the display scale are zero (PostgreSQL pads the last base-10000 digit)
        return v.setScale(dscale, RoundingMode.UNNECESSARY);
    }

    private void readHeader() throws java.sql.SQLException {
        require(SIGNATURE.length + 8);
        for (byte s : SIGNATURE) {
            if (buf[pos++] != s) {
                throw new RheiException("COPY of " + table + " did not start with PostgreSQL's binary COPY signature");
            }
        }
        readInt(); // flags: bit 16 (OIDs) is never set for a COPY of a query
        int extension = readInt();
        require(extension);
        pos += extension;
        headerRead = true;
    }

    /** Whether n more bytes can be had (false only at a clean end of input). */
    private boolean ensure(int n) throws java.sql.SQLException {
        while (buf.length - pos < n) {
            byte[] more = chunks.next();
            if (more == null) {
                if (buf.length - pos == 0) {
                    return false;
                }
                throw new RheiException("COPY of " + table + " ended in the middle of a row");
            }
            int rest = buf.length - pos;
            if (rest == 0) {
                buf = more; // the usual case: a chunk is a whole row
                pos = 0;
                continue;
            }
            byte[] joined = new byte[rest + more.length];
            System.arraycopy(buf, pos, joined, 0, rest);
            System.arraycopy(more, 0, joined, rest, more.length);
            buf = joined;
            pos = 0;
        }
        return true;
    }

    private void require(int n) throws java.sql.SQLException {
        if (!ensure(n)) {
            throw new RheiException("COPY of " + table + " ended in the middle of a row");
        }
    }

    private byte[] readAcross(int len) throws java.sql.SQLException {
        require(len);
        byte[] out = len <= scratch.length ? scratch : new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    private int readShort() {
        int v = readShort(buf, pos);
        pos += 2;
        return (short) v;
    }

    private int readInt() {
        int v = readInt(buf, pos);
        pos += 4;
        return v;
    }

    private static int readShort(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static long readLong(byte[] b, int off) {
        return ((long) readInt(b, off) << 32) | (readInt(b, off + 4) & 0xffff_ffffL);
    }
}
