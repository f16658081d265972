package io.rhei.server.pg;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * PostgreSQL's binary wire format (the {@code send}/{@code recv} functions of each type): big-endian integers and
 * IEEE floats, dates as days and timestamps as microseconds since 2000-01-01, numeric as base-10000 digits with a
 * weight, sign and display scale.
 */
final class PgBinary {
    /** Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01. */
    private static final int EPOCH_DAYS = 10_957;
    private static final long EPOCH_MICROS = EPOCH_DAYS * 86_400L * 1_000_000L;
    private static final short NUMERIC_POS = 0x0000;
    private static final short NUMERIC_NEG = 0x4000;
    private static final short NUMERIC_NAN = (short) 0xC000;
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

    private PgBinary() {
    }

    /** The value at {@code row} in binary format, or null for NULL. */
    static byte[] encode(FieldVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        if (v instanceof BitVector b) {
            return new byte[]{(byte) b.get(row)};
        } else if (v instanceof TinyIntVector i) {
            return ByteBuffer.allocate(2).putShort(i.get(row)).array();
        } else if (v instanceof SmallIntVector i) {
            return ByteBuffer.allocate(2).putShort(i.get(row)).array();
        } else if (v instanceof IntVector i) {
            return ByteBuffer.allocate(4).putInt(i.get(row)).array();
        } else if (v instanceof BigIntVector i) {
            return ByteBuffer.allocate(8).putLong(i.get(row)).array();
        } else if (v instanceof Float4Vector f) {
            return ByteBuffer.allocate(4).putFloat(f.get(row)).array();
        } else if (v instanceof Float8Vector f) {
            return ByteBuffer.allocate(8).putDouble(f.get(row)).array();
        } else if (v instanceof DecimalVector d) {
            return numeric(d.getObject(row));
        } else if (v instanceof Decimal256Vector d) {
            return numeric(d.getObject(row));
        } else if (v instanceof DateDayVector d) {
            return ByteBuffer.allocate(4).putInt(d.get(row) - EPOCH_DAYS).array();
        } else if (v instanceof TimeStampMicroTZVector t) {
            return ByteBuffer.allocate(8).putLong(t.get(row) - EPOCH_MICROS).array();
        } else if (v instanceof TimeStampMicroVector t) {
            return ByteBuffer.allocate(8).putLong(t.get(row) - EPOCH_MICROS).array();
        } else if (v instanceof TimeMicroVector t) {
            return ByteBuffer.allocate(8).putLong(t.get(row)).array();
        } else if (v instanceof VarCharVector c) {
            return c.get(row);
        } else if (v instanceof VarBinaryVector b) {
            return b.get(row);
        }
        // what has no binary form of its own here is sent as its text, which is what text-like types' binary form is
        return PgTypes.text(v, row);
    }

    /** numeric_send: base-10000 digits, most significant first, with the weight of the first. */
    static byte[] numeric(BigDecimal value) {
        int dscale = Math.max(0, value.scale());
        BigDecimal abs = value.abs();
        // scale up to a multiple of 4 fractional digits so the base-10000 digits split at the decimal point
        int fracGroups = (dscale + 3) / 4;
        BigInteger unscaled = abs.setScale(fracGroups * 4, RoundingMode.UNNECESSARY).unscaledValue();
        java.util.ArrayDeque<Short> digits = new java.util.ArrayDeque<>();
        while (unscaled.signum() > 0) {
            BigInteger[] qr = unscaled.divideAndRemainder(TEN_THOUSAND);
            digits.addFirst(qr[1].shortValue());
            unscaled = qr[0];
        }
        int weight = digits.size() - fracGroups - 1;
        // trailing zero digits are not sent (the display scale keeps them); leading ones do not occur
        java.util.List<Short> list = new java.util.ArrayList<>(digits);
        int n = list.size();
        while (n > 0 && list.get(n - 1) == 0) {
            n--;
        }
        ByteBuffer b = ByteBuffer.allocate(8 + 2 * n);
        b.putShort((short) n);
        b.putShort((short) (n == 0 ? 0 : weight));
        b.putShort(value.signum() < 0 ? NUMERIC_NEG : NUMERIC_POS);
        b.putShort((short) dscale);
        for (int i = 0; i < n; i++) {
            b.putShort(list.get(i));
        }
        return b.array();
    }

    static BigDecimal readNumeric(ByteBuffer b) {
        int n = b.getShort();
        int weight = b.getShort();
        short sign = b.getShort();
        int dscale = b.getShort();
        if (sign == NUMERIC_NAN) {
            throw new IllegalArgumentException("numeric NaN has no value in Rhei's numeric type");
        }
        BigInteger unscaled = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
            unscaled = unscaled.multiply(TEN_THOUSAND).add(BigInteger.valueOf(b.getShort()));
        }
        // the digits so far stand for unscaled * 10000^(weight - n + 1)
        BigDecimal v = new BigDecimal(unscaled).scaleByPowerOfTen(4 * (weight - n + 1));
        v = v.setScale(dscale, RoundingMode.UNNECESSARY);
        return sign == NUMERIC_NEG ? v.negate() : v;
    }

    /** A parameter sent in binary format of type {@code oid}, as the Java value of that type. */
    static Object decode(int oid, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        Object v = switch (oid) {
            case PgTypes.BOOL -> bytes[0] != 0;
            case PgTypes.INT2 -> b.getShort();
            case PgTypes.INT4 -> b.getInt();
            case PgTypes.INT8 -> b.getLong();
            case PgTypes.FLOAT4 -> b.getFloat();
            case PgTypes.FLOAT8 -> b.getDouble();
            case PgTypes.NUMERIC -> readNumeric(b);
            case PgTypes.DATE -> LocalDate.ofEpochDay(b.getInt() + (long) EPOCH_DAYS);
            case PgTypes.TIME -> LocalTime.ofNanoOfDay(b.getLong() * 1000);
            case PgTypes.TIMESTAMP -> PgTypes.timestamp(b.getLong() + EPOCH_MICROS);
            case PgTypes.TIMESTAMPTZ -> Instant.EPOCH.plus(b.getLong() + EPOCH_MICROS, java.time.temporal.ChronoUnit.MICROS);
            case PgTypes.UUID -> new UUID(b.getLong(), b.getLong()).toString();
            case PgTypes.BYTEA -> bytes;
            case PgTypes.JSONB -> new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8); // version byte 1, then text
            default -> new String(bytes, StandardCharsets.UTF_8); // text, varchar, bpchar, name, json, unknown
        };
        return v;
    }
}
