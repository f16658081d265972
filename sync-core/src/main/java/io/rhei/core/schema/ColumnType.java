package io.rhei.core.schema;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;

/**
 * A column's type in Rhei's model, with the PostgreSQL types it stands for, the Java class of its values
 * in {@link io.rhei.core.model.Row}s, and its Arrow type (see {@link ArrowSchemas}):
 *
 * <pre>
 * kind         PostgreSQL                  Java value        Arrow
 * BOOLEAN      boolean                     Boolean           Bool
 * INT16        smallint (int2)             Short             Int(16, signed)
 * INT32        integer (int4)              Integer           Int(32, signed)
 * INT64        bigint (int8)               Long              Int(64, signed)
 * FLOAT32      real (float4)               Float             FloatingPoint(SINGLE)
 * FLOAT64      double precision (float8)   Double            FloatingPoint(DOUBLE)
 * DECIMAL      numeric(p,s), p &lt;= 38       BigDecimal        Decimal(p, s, 128)
 * TEXT         text, varchar(n), name      String            Utf8
 * CHAR         char(n), bpchar (n = 0)     String            Utf8, padded to n as PostgreSQL stores it
 * BYTES        bytea                       byte[]            Binary
 * DATE         date                        LocalDate         Date(DAY)
 * TIME         time                        LocalTime         Time(MICROSECOND, 64)
 * TIMESTAMP    timestamp                   LocalDateTime     Timestamp(MICROSECOND, no zone)
 * TIMESTAMPTZ  timestamptz                 Instant           Timestamp(MICROSECOND, "UTC")
 * UUID         uuid                        UUID              Utf8, canonical lower-case text
 * JSON         json, jsonb                 String            Utf8
 * </pre>
 *
 * CHAR keeps PostgreSQL's blank-padded character type apart from TEXT: its values are stored padded to n
 * characters, as PostgreSQL stores and outputs them, and SQL compares them with trailing blanks insignificant
 * (bpchar semantics). Its length n is the precision (0 for {@code bpchar} without a length).
 * Time values keep microseconds (PostgreSQL's precision). UUID is stored as text so that SQL compares it
 * with string literals as PostgreSQL users expect.
 */
public record ColumnType(Kind kind, int precision, int scale) {
    /** Arrow's decimal128 holds at most 38 digits. */
    public static final int MAX_DECIMAL_PRECISION = 38;

    public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0);
    public static final ColumnType INT16 = new ColumnType(Kind.INT16, 0, 0);
    public static final ColumnType INT32 = new ColumnType(Kind.INT32, 0, 0);
    public static final ColumnType INT64 = new ColumnType(Kind.INT64, 0, 0);
    public static final ColumnType FLOAT32 = new ColumnType(Kind.FLOAT32, 0, 0);
    public static final ColumnType FLOAT64 = new ColumnType(Kind.FLOAT64, 0, 0);
    public static final ColumnType TEXT = new ColumnType(Kind.TEXT, 0, 0);
    public static final ColumnType BYTES = new ColumnType(Kind.BYTES, 0, 0);
    public static final ColumnType DATE = new ColumnType(Kind.DATE, 0, 0);
    public static final ColumnType TIME = new ColumnType(Kind.TIME, 0, 0);
    public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);
    public static final ColumnType TIMESTAMPTZ = new ColumnType(Kind.TIMESTAMPTZ, 0, 0);
    public static final ColumnType UUID = new ColumnType(Kind.UUID, 0, 0);
    public static final ColumnType JSON = new ColumnType(Kind.JSON, 0, 0);

    public enum Kind {
        BOOLEAN(Boolean.class), INT16(Short.class), INT32(Integer.class), INT64(Long.class),
        FLOAT32(Float.class), FLOAT64(Double.class), DECIMAL(BigDecimal.class), TEXT(String.class),
        BYTES(byte[].class), DATE(LocalDate.class), TIME(LocalTime.class), TIMESTAMP(LocalDateTime.class),
        TIMESTAMPTZ(Instant.class), UUID(java.util.UUID.class), JSON(String.class),
        /** Appended last: the change log stores kinds by position. */
        CHAR(String.class);

        private final Class<?> javaClass;

        Kind(Class<?> javaClass) {
            this.javaClass = javaClass;
        }

        public Class<?> javaClass() {
            return javaClass;
        }
    }

    public ColumnType {
        if (kind == null) {
            throw new IllegalArgumentException("column type kind must not be null");
        }
        if (kind == Kind.DECIMAL) {
            if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
                throw new IllegalArgumentException("numeric precision must be 1.." + MAX_DECIMAL_PRECISION + ", got " + precision);
            }
            if (scale < 0 || scale > precision) {
                throw new IllegalArgumentException("numeric scale must be 0..precision (" + precision + "), got " + scale);
            }
        } else if (kind == Kind.CHAR) {
            if (precision < 0 || scale != 0) {
                throw new IllegalArgumentException("char takes a length >= 0 (0: bpchar without one) and no scale, got (" + precision + "," + scale + ")");
            }
        } else if (precision != 0 || scale != 0) {
            throw new IllegalArgumentException("only numeric and char take a precision, not " + kind);
        }
    }

    public static ColumnType decimal(int precision, int scale) {
        return new ColumnType(Kind.DECIMAL, precision, scale);
    }

    /** PostgreSQL's {@code char(length)}; length 0 is {@code bpchar} without a length (values kept as given). */
    public static ColumnType bpchar(int length) {
        return new ColumnType(Kind.CHAR, length, 0);
    }

    public static ColumnType of(Kind kind) {
        if (kind == Kind.DECIMAL) {
            throw new IllegalArgumentException("numeric needs a precision and scale: use ColumnType.decimal(p, s)");
        }
        return new ColumnType(kind, 0, 0);
    }

    /** The Java class values of this type have in rows. */
    public Class<?> javaClass() {
        return kind.javaClass;
    }

    /**
     * Whether {@code value} may stand in a column of this type: null, the right Java class, and for
     * decimals a scale and precision that fit.
     */
    public boolean accepts(Object value) {
        if (value == null) {
            return true;
        }
        if (!kind.javaClass.isInstance(value)) {
            return false;
        }
        if (kind == Kind.DECIMAL) {
            BigDecimal d = (BigDecimal) value;
            return d.scale() <= scale && d.precision() - d.scale() <= precision - scale;
        }
        return true;
    }

    /**
     * Whether a column of this type can become {@code target} without rewriting stored values: every value
     * of this type converts exactly (see {@link SchemaEvolution#widen}).
     */
    public boolean canWidenTo(ColumnType target) {
        if (equals(target)) {
            return true;
        }
        switch (kind) {
            case INT16:
                return target.kind == Kind.INT32 || target.kind == Kind.INT64 || target.kind == Kind.FLOAT32
                        || target.kind == Kind.FLOAT64 || decimalHoldsIntegerDigits(target, 5);
            case INT32:
                return target.kind == Kind.INT64 || target.kind == Kind.FLOAT64 || decimalHoldsIntegerDigits(target, 10);
            case INT64:
                return decimalHoldsIntegerDigits(target, 19);
            case FLOAT32:
                return target.kind == Kind.FLOAT64;
            case DECIMAL:
                return target.kind == Kind.DECIMAL && target.scale >= scale
                        && target.precision - target.scale >= precision - scale;
            default:
                return false;
        }
    }

    private static boolean decimalHoldsIntegerDigits(ColumnType target, int digits) {
        return target.kind == Kind.DECIMAL && target.precision - target.scale >= digits;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case DECIMAL -> "DECIMAL(" + precision + "," + scale + ")";
            case CHAR -> "CHAR(" + precision + ")";
            default -> kind.name();
        };
    }
}
