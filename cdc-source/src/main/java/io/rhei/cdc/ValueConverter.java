package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.TableId;
import io.rhei.core.model.Unchanged;
import io.rhei.core.schema.ColumnType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

/**
 * Turns Debezium's Connect values into the Java values of Rhei's type model (see
 * {@link io.rhei.core.schema.ColumnType}), exactly: numerics keep their digits, timestamps their microseconds.
 * A column PostgreSQL did not send (unchanged TOAST) arrives as {@link #UNCHANGED_PLACEHOLDER} and becomes
 * {@link Unchanged#VALUE}, never text.
 */
final class ValueConverter {
    /** Set as Debezium's {@code unavailable.value.placeholder}; distinctive so no real value collides with it. */
    static final String UNCHANGED_PLACEHOLDER = "__rhei_unchanged_toast_7c1e5d__";
    private static final byte[] UNCHANGED_BYTES = UNCHANGED_PLACEHOLDER.getBytes(StandardCharsets.UTF_8);

    private ValueConverter() {
    }

    static Object convert(TableId table, String column, ColumnType type, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (type.kind()) {
                case BOOLEAN -> (Boolean) value;
                case INT16 -> ((Number) value).shortValue();
                case INT32 -> ((Number) value).intValue();
                case INT64 -> ((Number) value).longValue();
                case FLOAT32 -> ((Number) value).floatValue();
                case FLOAT64 -> ((Number) value).doubleValue();
                case DECIMAL -> decimal(value, type);
                case TEXT, JSON -> text(value);
                case CHAR -> padded(text(value), type.precision());
                case UUID -> isUnchanged(value) ? Unchanged.VALUE : UUID.fromString((String) value);
                case BYTES -> bytes(value);
                case DATE -> LocalDate.ofEpochDay(((Number) value).longValue());
                case TIME -> time(schema, ((Number) value).longValue());
                case TIMESTAMP -> timestamp(schema, ((Number) value).longValue());
                case TIMESTAMPTZ -> isUnchanged(value) ? Unchanged.VALUE : OffsetDateTime.parse((String) value).toInstant();
            };
        } catch (RheiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RheiException("value " + abbreviate(value) + " of column " + table + "." + column + " (" + type
                    + ") cannot be converted: " + e.getMessage(), e);
        }
    }

    private static boolean isUnchanged(Object value) {
        return UNCHANGED_PLACEHOLDER.equals(value);
    }

    /** A char(n) value as PostgreSQL stores it ({@link io.rhei.core.schema.CharValues}; Debezium delivers it so already). */
    static Object padded(Object value, int length) {
        return value instanceof String s ? io.rhei.core.schema.CharValues.padded(s, length) : value;
    }

    private static Object text(Object value) {
        String s = (String) value;
        return UNCHANGED_PLACEHOLDER.equals(s) ? Unchanged.VALUE : s;
    }

    private static Object bytes(Object value) {
        byte[] b;
        if (value instanceof ByteBuffer buf) {
            b = new byte[buf.remaining()];
            buf.duplicate().get(b);
        } else {
            b = (byte[]) value;
        }
        return Arrays.equals(b, UNCHANGED_BYTES) ? Unchanged.VALUE : b;
    }

    static Object decimal(Object value, ColumnType type) {
        BigDecimal d;
        if (value instanceof BigDecimal bd) {
            d = bd;
        } else if (value instanceof Struct s) {
            // io.debezium.data.VariableScaleDecimal: unconstrained numeric.
            d = new BigDecimal(new BigInteger(bytesOf(s.get("value"))), s.getInt32("scale"));
        } else if (value instanceof Double dbl) {
            if (dbl.isNaN() || dbl.isInfinite()) {
                throw new RheiException("numeric value " + dbl + " has no decimal representation");
            }
            d = BigDecimal.valueOf(dbl);
        } else {
            d = new BigDecimal(value.toString());
        }
        if (d.scale() < type.scale()) {
            d = d.setScale(type.scale());
        } else if (d.scale() > type.scale()) {
            d = d.stripTrailingZeros();
            if (d.scale() < type.scale()) {
                d = d.setScale(type.scale());
            }
        }
        if (!type.accepts(d)) {
            throw new RheiException("numeric value " + d.toPlainString() + " does not fit " + type);
        }
        return d;
    }

    private static byte[] bytesOf(Object v) {
        if (v instanceof ByteBuffer buf) {
            byte[] b = new byte[buf.remaining()];
            buf.duplicate().get(b);
            return b;
        }
        return (byte[]) v;
    }

    private static LocalTime time(Schema schema, long v) {
        String name = schema.name();
        long nanos = "io.debezium.time.Time".equals(name) || "org.apache.kafka.connect.data.Time".equals(name) ? v * 1_000_000
                : "io.debezium.time.NanoTime".equals(name) ? v : v * 1_000;
        return LocalTime.ofNanoOfDay(nanos);
    }

    private static LocalDateTime timestamp(Schema schema, long v) {
        String name = schema.name();
        long micros = "io.debezium.time.Timestamp".equals(name) || "org.apache.kafka.connect.data.Timestamp".equals(name) ? v * 1000
                : "io.debezium.time.NanoTimestamp".equals(name) ? v / 1000 : v;
        Instant i = Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1000L));
        return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static String abbreviate(Object value) {
        String s = value instanceof byte[] b ? b.length + " bytes" : String.valueOf(value);
        return s.length() > 80 ? "'" + s.substring(0, 77) + "...'" : "'" + s + "'";
    }
}
