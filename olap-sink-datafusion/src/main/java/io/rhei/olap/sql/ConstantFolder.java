package io.rhei.olap.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexExecutor;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds the constant expressions SQL queries usually hold ({@code DATE '1994-01-01' + INTERVAL '1' YEAR},
 * {@code 0.06 - 0.01}, text cast to a date, numbers cast to integers) in Java, with PostgreSQL's semantics. Anything
 * else is left to the native engine, which evaluates it exactly as it evaluates columns; only constants holding
 * intervals (which the native engine cannot represent) go to Calcite's executor, which compiles them with Janino
 * (5 to 15 ms).
 */
final class ConstantFolder implements RexExecutor {
    static final ConstantFolder INSTANCE = new ConstantFolder();

    private ConstantFolder() {
    }

    @Override
    public void reduce(RexBuilder rexBuilder, List<RexNode> constExps, List<RexNode> reducedValues) {
        List<RexNode> folded = new ArrayList<>(constExps.size());
        List<RexNode> rest = new ArrayList<>();
        for (RexNode e : constExps) {
            RexNode f = fold(rexBuilder, e);
            if (f == null && involvesIntervals(e) && !SqlTypeName.INTERVAL_TYPES.contains(e.getType().getSqlTypeName())
                    && !hasIntervalOperand(e)) {
                // only the part that holds the interval goes to Calcite's executor (EXTRACT(DOW FROM d + interval)
                // counted the day from 1 there); what is around it is folded here or left to the native engine
                RexNode partial = foldIntervalParts(rexBuilder, e);
                RexNode again = fold(rexBuilder, partial);
                f = again != null ? again : partial;
            }
            if (f == null && !involvesIntervals(e)) {
                // Left for the native engine, which evaluates it as it evaluates columns: Calcite's executor has
                // its own semantics (EXTRACT(DOW) counts from 1, casts truncate, invalid dates become NULL).
                f = e;
            }
            folded.add(f);
            if (f == null) {
                rest.add(e);
            }
        }
        List<RexNode> compiled = new ArrayList<>();
        if (!rest.isEmpty()) {
            RexUtil.EXECUTOR.reduce(rexBuilder, rest, compiled);
        }
        int next = 0;
        for (int i = 0; i < folded.size(); i++) {
            RexNode f = folded.get(i) != null ? folded.get(i) : compiled.get(next++);
            RelDataType original = constExps.get(i).getType();
            if (!f.getType().equals(original) && f.getType().getSqlTypeName() == original.getSqlTypeName()
                    && f.getType().isNullable() != original.isNullable()) {
                // keep the expression's nullability: operators above it were typed with it
                f = rexBuilder.makeAbstractCast(original, f, false);
            }
            reducedValues.add(f);
        }
    }

    /** Whether the call takes an interval operand itself (date + interval): the smallest part Calcite's executor folds. */
    private static boolean hasIntervalOperand(RexNode e) {
        return e instanceof RexCall call && call.getOperands().stream()
                .anyMatch(op -> SqlTypeName.INTERVAL_TYPES.contains(op.getType().getSqlTypeName()));
    }

    /** {@code e} with each smallest call that takes an interval operand replaced by the value Calcite's executor gives. */
    private static RexNode foldIntervalParts(RexBuilder rexBuilder, RexNode e) {
        return e.accept(new org.apache.calcite.rex.RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                if (hasIntervalOperand(call) && !SqlTypeName.INTERVAL_TYPES.contains(call.getType().getSqlTypeName())) {
                    List<RexNode> out = new ArrayList<>();
                    RexUtil.EXECUTOR.reduce(rexBuilder, List.of(call), out);
                    return out.get(0);
                }
                return super.visitCall(call);
            }
        });
    }

    /** Interval values the native engine has no type for: only Calcite's executor can fold those. */
    private static boolean involvesIntervals(RexNode e) {
        if (SqlTypeName.INTERVAL_TYPES.contains(e.getType().getSqlTypeName())) {
            return true;
        }
        return e instanceof RexCall call && call.getOperands().stream().anyMatch(ConstantFolder::involvesIntervals);
    }

    /** The expression as a literal of its own type, or null when this class cannot fold it. */
    private static RexNode fold(RexBuilder rexBuilder, RexNode e) {
        if (e instanceof RexLiteral) {
            return e;
        }
        if (e instanceof RexCall textCast && textCast.getKind() == org.apache.calcite.sql.SqlKind.CAST && textCast.getOperands().size() == 1
                && textCast.getOperands().get(0) instanceof RexLiteral text && !text.isNull()
                && SqlTypeName.CHAR_TYPES.contains(text.getType().getSqlTypeName())) {
            String value = text.getValueAs(String.class);
            switch (textCast.getType().getSqlTypeName()) {
                case DATE:
                    return rexBuilder.makeDateLiteral(DateString.fromDaysSinceEpoch((int) ConstantDates.date(value).toEpochDay()));
                case TIMESTAMP: {
                    java.time.LocalDateTime t = ConstantDates.timestamp(value);
                    return rexBuilder.makeTimestampLiteral(org.apache.calcite.util.TimestampString.fromMillisSinceEpoch(
                            t.toInstant(java.time.ZoneOffset.UTC).toEpochMilli()).withNanos(t.getNano()), textCast.getType().getPrecision());
                }
                default:
                    break;
            }
        }
        if (e instanceof RexCall toText && toText.getKind() == org.apache.calcite.sql.SqlKind.CAST && toText.getOperands().size() == 1
                && toText.getType().getSqlTypeName() == SqlTypeName.VARCHAR && toText.getOperands().get(0) instanceof RexLiteral lit
                && !lit.isNull() && SqlTypeName.EXACT_TYPES.contains(lit.getType().getSqlTypeName())) {
            // an integer or numeric constant as text, as PostgreSQL prints it (numeric with its scale); not a boolean,
            // whose text is 'true' as a cast and 't' where || converts it, which Calcite writes as the same cast
            String text = lit.getValueAs(BigDecimal.class).toPlainString();
            return rexBuilder.makeLiteral(text, toText.getType(), false);
        }
        if (e instanceof RexCall cast && cast.getKind() == org.apache.calcite.sql.SqlKind.CAST && cast.getOperands().size() == 1
                && SqlTypeName.INT_TYPES.contains(cast.getType().getSqlTypeName())) {
            return castToInteger(rexBuilder, cast, fold(rexBuilder, cast.getOperands().get(0)));
        }
        if (e instanceof RexCall stringCall && ConstantStrings.handles(stringCall)) {
            List<RexNode> args = new ArrayList<>();
            for (RexNode op : stringCall.getOperands()) {
                RexNode f = fold(rexBuilder, op);
                if (!(f instanceof RexLiteral)) {
                    return null;
                }
                args.add(f);
            }
            return ConstantStrings.fold(rexBuilder, stringCall, args);
        }
        if (!(e instanceof RexCall call) || call.getOperands().size() != 2) {
            return null;
        }
        RexNode a = fold(rexBuilder, call.getOperands().get(0));
        RexNode b = fold(rexBuilder, call.getOperands().get(1));
        if (!(a instanceof RexLiteral la) || !(b instanceof RexLiteral lb) || la.isNull() || lb.isNull()) {
            return null;
        }
        SqlTypeName result = call.getType().getSqlTypeName();
        switch (call.getKind()) {
            case PLUS, MINUS, TIMES -> {
                if (result == SqlTypeName.DATE) {
                    return dateArithmetic(rexBuilder, call, la, lb);
                }
                if (result != SqlTypeName.DECIMAL || !exactNumber(la) || !exactNumber(lb)) {
                    return null;
                }
                BigDecimal x = la.getValueAs(BigDecimal.class);
                BigDecimal y = lb.getValueAs(BigDecimal.class);
                BigDecimal v = switch (call.getKind()) {
                    case PLUS -> x.add(y);
                    case MINUS -> x.subtract(y);
                    default -> x.multiply(y);
                };
                // sums, differences and products of exact numbers fit their type's scale exactly
                if (v.scale() > call.getType().getScale() || v.precision() - v.scale() > call.getType().getPrecision() - call.getType().getScale()) {
                    return null;
                }
                return rexBuilder.makeExactLiteral(v.setScale(call.getType().getScale()), call.getType());
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * A number cast to an integer type as PostgreSQL rounds it: numeric half away from zero, double to the
     * nearest even on a tie (Calcite's executor truncates). Out of range: left to the native cast, which raises.
     */
    private static RexNode castToInteger(RexBuilder rexBuilder, RexCall cast, RexNode operand) {
        if (!(operand instanceof RexLiteral lit) || lit.isNull()) {
            return null;
        }
        SqlTypeName from = lit.getType().getSqlTypeName();
        BigDecimal rounded;
        if (SqlTypeName.EXACT_TYPES.contains(from)) {
            rounded = lit.getValueAs(BigDecimal.class).setScale(0, java.math.RoundingMode.HALF_UP);
        } else if (SqlTypeName.APPROX_TYPES.contains(from)) {
            double d = lit.getValueAs(Double.class);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return null;
            }
            rounded = BigDecimal.valueOf(Math.rint(d)).setScale(0);
        } else {
            return null;
        }
        long max = switch (cast.getType().getSqlTypeName()) {
            case TINYINT -> Byte.MAX_VALUE;
            case SMALLINT -> Short.MAX_VALUE;
            case INTEGER -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
        if (rounded.compareTo(BigDecimal.valueOf(max)) > 0 || rounded.compareTo(BigDecimal.valueOf(-max - 1)) < 0) {
            return null;
        }
        return rexBuilder.makeExactLiteral(rounded, cast.getType());
    }

    private static boolean exactNumber(RexLiteral l) {
        return SqlTypeName.EXACT_TYPES.contains(l.getType().getSqlTypeName());
    }

    /** DATE plus or minus a year-month interval or a whole number of days. */
    private static RexNode dateArithmetic(RexBuilder rexBuilder, RexCall call, RexLiteral la, RexLiteral lb) {
        boolean minus = call.getKind() == org.apache.calcite.sql.SqlKind.MINUS;
        RexLiteral date = la.getType().getSqlTypeName() == SqlTypeName.DATE ? la : lb;
        RexLiteral interval = date == la ? lb : la;
        if (date.getType().getSqlTypeName() != SqlTypeName.DATE || (minus && date != la)) {
            return null;
        }
        SqlTypeFamily family = interval.getType().getSqlTypeName().getFamily();
        LocalDate d = LocalDate.ofEpochDay(date.getValueAs(DateString.class).getDaysSinceEpoch());
        BigDecimal amount = interval.getValueAs(BigDecimal.class);
        if (amount == null) {
            return null;
        }
        long sign = minus ? -1 : 1;
        LocalDate r;
        if (family == SqlTypeFamily.INTERVAL_YEAR_MONTH) {
            r = d.plusMonths(sign * amount.longValueExact()); // the value is in months
        } else if (family == SqlTypeFamily.INTERVAL_DAY_TIME && amount.longValue() % 86_400_000L == 0) {
            r = d.plusDays(sign * amount.longValue() / 86_400_000L); // the value is in milliseconds
        } else {
            return null;
        }
        return rexBuilder.makeDateLiteral(DateString.fromDaysSinceEpoch((int) r.toEpochDay()));
    }
}
