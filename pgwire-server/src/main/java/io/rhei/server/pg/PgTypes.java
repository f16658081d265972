package io.rhei.server.pg;

import io.rhei.core.schema.ColumnType;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** Arrow result columns as PostgreSQL types: the OID and size in RowDescription, and each value's text form. */
final class PgTypes {
    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int TEXT = 25;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int DATE = 1082;
    static final int TIMESTAMP = 1114;
    static final int TIMESTAMPTZ = 1184;
    static final int NUMERIC = 1700;
    static final int NAME = 19;
    static final int JSON = 114;
    static final int UNKNOWN = 705;
    static final int BPCHAR = 1042;
    static final int VARCHAR = 1043;
    static final int TIME = 1083;
    static final int UUID = 2950;
    static final int JSONB = 3802;

    /** PostgreSQL's text form of timestamps: fractional seconds only as far as they go (ISO DateStyle). */
    private static final DateTimeFormatter TIMESTAMP_TEXT = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true).optionalEnd().toFormatter();

    private static final DateTimeFormatter TIME_TEXT = new DateTimeFormatterBuilder().appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true).optionalEnd().toFormatter();

    private PgTypes() {
    }

    /** The type a client declared for a parameter (Parse), or null when it left it to the server (0, unknown). */
    static ColumnType declaredType(int oid) {
        return switch (oid) {
            case 0, UNKNOWN -> null;
            case BOOL -> ColumnType.BOOLEAN;
            case INT2 -> ColumnType.INT16;
            case INT4 -> ColumnType.INT32;
            case INT8 -> ColumnType.INT64;
            case FLOAT4 -> ColumnType.FLOAT32;
            case FLOAT8 -> ColumnType.FLOAT64;
            case NUMERIC -> ColumnType.decimal(ColumnType.MAX_DECIMAL_PRECISION, 0); // numeric without a typmod: its value's scale
            case TEXT, VARCHAR, NAME -> ColumnType.TEXT;
            case BPCHAR -> ColumnType.bpchar(0);
            case BYTEA -> ColumnType.BYTES;
            case DATE -> ColumnType.DATE;
            case TIME -> ColumnType.TIME;
            case TIMESTAMP -> ColumnType.TIMESTAMP;
            case TIMESTAMPTZ -> ColumnType.TIMESTAMPTZ;
            case UUID -> ColumnType.UUID;
            case JSON, JSONB -> ColumnType.JSON;
            default -> throw new IllegalArgumentException("parameter type OID " + oid + " is not supported; send the value as text "
                    + "(type 0) or as one of boolean, smallint, integer, bigint, real, double precision, numeric, text, bytea, date, "
                    + "time, timestamp, timestamptz, uuid, json");
        };
    }

    /** The OID PostgreSQL reports for a parameter of {@code type} (ParameterDescription). */
    static int oidOf(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> BOOL;
            case INT16 -> INT2;
            case INT32 -> INT4;
            case INT64 -> INT8;
            case FLOAT32 -> FLOAT4;
            case FLOAT64 -> FLOAT8;
            case DECIMAL -> NUMERIC;
            case TEXT -> TEXT;
            case CHAR -> BPCHAR;
            case BYTES -> BYTEA;
            case DATE -> DATE;
            case TIME -> TIME;
            case TIMESTAMP -> TIMESTAMP;
            case TIMESTAMPTZ -> TIMESTAMPTZ;
            case UUID -> UUID;
            case JSON -> JSON;
        };
    }

    static PgMessages.Column column(Field f) {
        ArrowType t = f.getType();
        int oid = switch (t.getTypeID()) {
            case Bool -> BOOL;
            case Int -> switch (((ArrowType.Int) t).getBitWidth()) {
                case 8, 16 -> INT2;
                case 32 -> INT4;
                default -> INT8;
            };
            case FloatingPoint -> ((ArrowType.FloatingPoint) t).getPrecision() == FloatingPointPrecision.SINGLE ? FLOAT4 : FLOAT8;
            case Decimal -> NUMERIC;
            case Date -> DATE;
            case Timestamp -> ((ArrowType.Timestamp) t).getTimezone() == null ? TIMESTAMP : TIMESTAMPTZ;
            case Time -> TIME;
            case Binary, LargeBinary -> BYTEA;
            default -> TEXT;
        };
        int size = switch (oid) {
            case BOOL -> 1;
            case INT2 -> 2;
            case INT4, FLOAT4, DATE -> 4;
            case INT8, FLOAT8, TIMESTAMP, TIMESTAMPTZ, TIME -> 8;
            default -> -1;
        };
        return new PgMessages.Column(f.getName(), oid, size);
    }

    /** The value at {@code row} as PostgreSQL prints it, or null for NULL. */
    static byte[] text(FieldVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        String s;
        if (v instanceof BitVector b) {
            s = b.get(row) == 1 ? "t" : "f";
        } else if (v instanceof TinyIntVector i) {
            s = Byte.toString(i.get(row));
        } else if (v instanceof SmallIntVector i) {
            s = Short.toString(i.get(row));
        } else if (v instanceof IntVector i) {
            s = Integer.toString(i.get(row));
        } else if (v instanceof BigIntVector i) {
            s = Long.toString(i.get(row));
        } else if (v instanceof Float4Vector f) {
            s = floatText(f.get(row));
        } else if (v instanceof Float8Vector f) {
            s = floatText(f.get(row));
        } else if (v instanceof DecimalVector d) {
            s = d.getObject(row).toPlainString();
        } else if (v instanceof Decimal256Vector d) {
            s = d.getObject(row).toPlainString();
        } else if (v instanceof DateDayVector d) {
            s = LocalDate.ofEpochDay(d.get(row)).toString();
        } else if (v instanceof TimeStampMicroTZVector t) {
            s = TIMESTAMP_TEXT.format(timestamp(t.get(row))) + "+00";
        } else if (v instanceof TimeStampMicroVector t) {
            s = TIMESTAMP_TEXT.format(timestamp(t.get(row)));
        } else if (v instanceof org.apache.arrow.vector.TimeMicroVector t) {
            s = TIME_TEXT.format(java.time.LocalTime.ofNanoOfDay(t.get(row) * 1000));
        } else if (v instanceof VarCharVector c) {
            return c.get(row);
        } else if (v instanceof VarBinaryVector b) {
            s = "\\x" + java.util.HexFormat.of().formatHex(b.get(row));
        } else {
            s = String.valueOf(v.getObject(row));
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Microseconds since 1970 as a date-time in UTC, for every year PostgreSQL has (nanoseconds would overflow past 2262). */
    static LocalDateTime timestamp(long micros) {
        return LocalDateTime.ofInstant(Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    /**
     * PostgreSQL's shortest exact form of a float ({@code extra_float_digits} 1, the default since 12): plain
     * digits for exponents -4..14, otherwise {@code 1.5e+16}; {@code Infinity}, {@code NaN}.
     */
    static String floatText(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        java.math.BigDecimal exact = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = exact.precision() - exact.scale() - 1;
        if (exponent < -4 || exponent >= 15) {
            String digits = exact.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        return exact.toPlainString();
    }

    static String floatText(float f) {
        return floatText(Double.parseDouble(Float.toString(f)));
    }
}
