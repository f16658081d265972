package io.rhei.olap.sql;

import io.rhei.core.schema.ColumnType;
import io.rhei.olap.QueryException;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A bound parameter value as the Java value of its parameter's type: Java values are converted, text is read
 * with PostgreSQL's input rules for the type ({@code t}/{@code yes}/{@code on} for booleans, {@code \x...} for
 * bytea, an ISO date-time with or without a zone offset). A value that does not fit raises PostgreSQL's message
 * ({@code invalid input syntax for type integer: "abc"}) with the parameter's number.
 */
public final class ParameterValues {
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().append(DateTimeFormatter.ISO_LOCAL_TIME).optionalEnd()
            .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0).toFormatter(Locale.ROOT);

    private ParameterValues() {
    }

    /** {@code value} as the Java class of {@code type}'s values (see {@link ColumnType}); null stays null. */
    static Object convert(ColumnType type, Object value, int parameter, String sql) {
        if (value == null) {
            return null;
        }
        try {
            return value instanceof String text ? parse(type, text) : fromJava(type, value);
        } catch (OutOfRange e) {
            throw new QueryException(sql, e.getMessage() + " (parameter $" + parameter + ")");
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException | ClassCastException e) {
            String shown = value instanceof byte[] b ? "\\x" + HexFormat.of().formatHex(b) : String.valueOf(value);
            throw new QueryException(sql, "invalid input syntax for type " + pgName(type) + ": \"" + shown + "\" (parameter $" + parameter + ")");
        }
    }

    /**
     * A string constant cast to {@code type} ({@code '2024-01-01 10:00+02'::timestamptz}), read with PostgreSQL's
     * input rules; a text PostgreSQL would refuse raises its message (the native cast would give NULL instead).
     */
    public static Object parseConstant(ColumnType type, String text, String sql) {
        try {
            return parse(type, text);
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException e) {
            throw new QueryException(sql, "invalid input syntax for type " + pgName(type) + ": \"" + text + "\"");
        }
    }

    private static Object parse(ColumnType type, String text) {
        String t = text.strip();
        return switch (type.kind()) {
            case BOOLEAN -> bool(t);
            case INT16 -> checked(Long.parseLong(t), Short.MIN_VALUE, Short.MAX_VALUE, type, text).shortValue();
            case INT32 -> checked(Long.parseLong(t), Integer.MIN_VALUE, Integer.MAX_VALUE, type, text).intValue();
            case INT64 -> Long.parseLong(t);
            case FLOAT32 -> (float) floating(t);
            case FLOAT64 -> floating(t);
            case DECIMAL -> new BigDecimal(t);
            case TEXT, CHAR, JSON -> text;
            case UUID -> java.util.UUID.fromString(t).toString();
            case BYTES -> bytea(text);
            case DATE -> LocalDate.parse(t, DateTimeFormatter.ISO_LOCAL_DATE);
            case TIME -> LocalTime.parse(t);
            case TIMESTAMP -> DATE_TIME.parseBest(t, LocalDateTime::from, LocalDate::from) instanceof LocalDate d
                    ? d.atStartOfDay() : DATE_TIME.parse(t, LocalDateTime::from);
            case TIMESTAMPTZ -> instant(t);
        };
    }

    private static Object fromJava(ColumnType type, Object v) {
        return switch (type.kind()) {
            case BOOLEAN -> v instanceof Boolean b ? b : bool(v.toString());
            case INT16 -> checked(integral(v), Short.MIN_VALUE, Short.MAX_VALUE, type, v).shortValue();
            case INT32 -> checked(integral(v), Integer.MIN_VALUE, Integer.MAX_VALUE, type, v).intValue();
            case INT64 -> integral(v);
            case FLOAT32 -> ((Number) v).floatValue();
            case FLOAT64 -> ((Number) v).doubleValue();
            case DECIMAL -> v instanceof BigDecimal d ? d : new BigDecimal(v.toString());
            case TEXT, CHAR, JSON, UUID -> v.toString();
            case BYTES -> (byte[]) v;
            case DATE -> v instanceof LocalDate d ? d : v instanceof java.sql.Date d ? d.toLocalDate() : parse(type, v.toString());
            case TIME -> v instanceof LocalTime t ? t : v instanceof java.sql.Time t ? t.toLocalTime() : parse(type, v.toString());
            case TIMESTAMP -> v instanceof LocalDateTime t ? t : v instanceof java.sql.Timestamp t ? t.toLocalDateTime() : parse(type, v.toString());
            case TIMESTAMPTZ -> v instanceof Instant i ? i : v instanceof OffsetDateTime o ? o.toInstant()
                    : v instanceof ZonedDateTime z ? z.toInstant() : v instanceof java.sql.Timestamp t ? t.toInstant() : instant(v.toString());
        };
    }

    private static long integral(Object v) {
        if (v instanceof BigDecimal d) {
            return d.longValueExact();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d != Math.rint(d)) {
                throw new NumberFormatException("not an integer: " + d);
            }
            return (long) d;
        }
        return ((Number) v).longValue();
    }

    private static Long checked(long v, long min, long max, ColumnType type, Object shown) {
        if (v < min || v > max) {
            throw new OutOfRange(type, shown);
        }
        return v;
    }

    /** PostgreSQL's 22003 rather than 22P02: the text is a number, just too big for the type. */
    static final class OutOfRange extends IllegalArgumentException {
        OutOfRange(ColumnType type, Object shown) {
            super("value \"" + shown + "\" is out of range for type " + pgName(type));
        }
    }

    private static double floating(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "infinity", "+infinity", "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-infinity", "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(t);
        };
    }

    private static Boolean bool(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (!t.isEmpty() && ("true".startsWith(t) || "yes".startsWith(t) || t.equals("on") || t.equals("1"))) {
            return true;
        }
        if (!t.isEmpty() && ("false".startsWith(t) || "no".startsWith(t) || t.equals("off") || t.equals("of") || t.equals("0"))) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean: " + text);
    }

    private static byte[] bytea(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text.substring(2));
        }
        if (text.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("bytea escape format is not read; send \\x followed by hex digits");
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Instant instant(String t) {
        var parsed = DATE_TIME.parseBest(t, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
        if (parsed instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (parsed instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC); // the session's TimeZone is UTC
        }
        return ((LocalDate) parsed).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    static String pgName(ColumnType type) {
        return switch (type.kind()) {
            case DECIMAL -> "numeric";
            case CHAR -> "character";
            default -> io.rhei.olap.catalog.PgCatalog.formatType(type);
        };
    }
}
