package io.rhei.olap.sql;

import io.rhei.olap.UnsupportedSqlException;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.TimestampString;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * Dates and timestamps computed from constants in Java: text cast to date or timestamp as PostgreSQL reads it
 * (ISO forms; an impossible date is PostgreSQL's error, not Calcite's NULL), and date_trunc of a constant (the
 * native truncation takes columns only).
 */
public final class ConstantDates {
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("uuuuMMdd");

    private ConstantDates() {
    }

    /** A constant PostgreSQL would refuse as input; the planner reports it with the query. */
    static final class InvalidConstant extends IllegalArgumentException {
        InvalidConstant(String message) {
            super(message);
        }
    }

    /** {@code text} as a date: yyyy-mm-dd or yyyymmdd, optionally followed by a time that is ignored. */
    static LocalDate date(String text) {
        String s = text.strip();
        String day = s.length() > 10 && (s.charAt(10) == ' ' || s.charAt(10) == 'T') ? s.substring(0, 10) : s;
        try {
            return day.length() == 8 && day.chars().allMatch(Character::isDigit) ? LocalDate.parse(day, COMPACT) : LocalDate.parse(day);
        } catch (DateTimeParseException e) {
            throw new InvalidConstant("invalid input syntax for type date: \"" + text + "\" (Rhei reads ISO dates: yyyy-mm-dd)");
        }
    }

    /** {@code text} as a timestamp: yyyy-mm-dd[ hh:mm[:ss[.ffffff]]]. */
    static LocalDateTime timestamp(String text) {
        String s = text.strip().replace('T', ' ');
        try {
            if (s.length() <= 10) {
                return date(s).atStartOfDay();
            }
            return LocalDateTime.parse(s.replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            throw new InvalidConstant("invalid input syntax for type timestamp: \"" + text + "\" (Rhei reads ISO timestamps: yyyy-mm-dd hh:mm:ss)");
        }
    }

    /** date_trunc(unit, constant) as a literal of {@code type}. */
    public static RexNode dateTrunc(RexBuilder rexBuilder, String unit, RexLiteral constant, RelDataType type, String sql) {
        if (constant.isNull()) {
            return rexBuilder.makeNullLiteral(type);
        }
        LocalDateTime t = switch (constant.getType().getSqlTypeName()) {
            case DATE -> LocalDate.ofEpochDay(constant.getValueAs(DateString.class).getDaysSinceEpoch()).atStartOfDay();
            case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> LocalDateTime.ofEpochSecond(
                    Math.floorDiv(constant.getValueAs(TimestampString.class).getMillisSinceEpoch(), 1000L), 0, java.time.ZoneOffset.UTC);
            case CHAR, VARCHAR -> timestamp(((NlsString) constant.getValue()).getValue());
            default -> throw new UnsupportedSqlException(sql, "date_trunc of a " + constant.getType().getFullTypeString());
        };
        String u = unit.toLowerCase(Locale.ROOT);
        LocalDateTime r = switch (u.endsWith("s") ? u.substring(0, u.length() - 1) : u) {
            case "microsecond", "millisecond" -> t;
            case "second" -> t.truncatedTo(ChronoUnit.SECONDS);
            case "minute" -> t.truncatedTo(ChronoUnit.MINUTES);
            case "hour" -> t.truncatedTo(ChronoUnit.HOURS);
            case "day" -> t.truncatedTo(ChronoUnit.DAYS);
            case "week" -> t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case "month" -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
            case "quarter" -> t.truncatedTo(ChronoUnit.DAYS).with(IsoFields.DAY_OF_QUARTER, 1);
            case "year" -> t.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
            default -> throw new UnsupportedSqlException(sql, "date_trunc('" + unit + "', ...)");
        };
        TimestampString ts = TimestampString.fromMillisSinceEpoch(r.toInstant(java.time.ZoneOffset.UTC).toEpochMilli());
        return type.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE
                ? rexBuilder.makeTimestampWithLocalTimeZoneLiteral(ts, 6) : rexBuilder.makeTimestampLiteral(ts, 6);
    }
}
