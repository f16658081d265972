package io.rhei.olap.physical;

import io.rhei.olap.sql.ConstantDates;
import io.rhei.olap.sql.SessionInfo;

import io.rhei.olap.UnsupportedSqlException;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.NlsString;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.MathExpr;
import org.apache.comet.serde.ExprOuterClass.ScalarFunc;
import org.apache.comet.serde.ExprOuterClass.EvalMode;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.Types.DataType.DataTypeId;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * PostgreSQL's scalar functions as native expressions: most map to a DataFusion function of the same meaning;
 * the rest (date_trunc, extract of a unit DataFusion lacks, trunc of a numeric, concat's NULL rule, the session
 * probes) are built from native pieces here. A function not listed is refused by name.
 */
final class FunctionLowering {
    /** SQL name to the native function with PostgreSQL's meaning for the same arguments. */
    private static final Map<String, String> SAME_MEANING = Map.ofEntries(
            Map.entry("UPPER", "upper"), Map.entry("LOWER", "lower"),
            Map.entry("CHAR_LENGTH", "character_length"), Map.entry("CHARACTER_LENGTH", "character_length"),
            Map.entry("LENGTH", "character_length"), Map.entry("OCTET_LENGTH", "octet_length"),
            Map.entry("LEFT", "left"), Map.entry("RIGHT", "right"), Map.entry("LPAD", "lpad"), Map.entry("RPAD", "rpad"),
            Map.entry("LTRIM", "ltrim"), Map.entry("RTRIM", "rtrim"), Map.entry("BTRIM", "btrim"),
            Map.entry("SPLIT_PART", "split_part"), Map.entry("STRPOS", "strpos"), Map.entry("REPLACE", "replace"),
            Map.entry("REVERSE", "reverse"), Map.entry("REPEAT", "repeat"), Map.entry("STARTS_WITH", "starts_with"),
            Map.entry("MD5", "md5"), Map.entry("INITCAP", "initcap"), Map.entry("CONCAT_WS", "concat_ws"),
            Map.entry("||", "concat"), Map.entry("ABS", "abs"), Map.entry("SQRT", "sqrt"), Map.entry("CBRT", "cbrt"),
            Map.entry("EXP", "exp"), Map.entry("LN", "ln"), Map.entry("LOG10", "log10"), Map.entry("LOG", "log"),
            Map.entry("POWER", "power"), Map.entry("SIGN", "signum"), Map.entry("PI", "pi"), Map.entry("DEGREES", "degrees"),
            Map.entry("RADIANS", "radians"), Map.entry("SIN", "sin"), Map.entry("COS", "cos"), Map.entry("TAN", "tan"),
            Map.entry("ASIN", "asin"), Map.entry("ACOS", "acos"), Map.entry("ATAN", "atan"), Map.entry("ATAN2", "atan2"),
            Map.entry("GREATEST", "greatest"), Map.entry("LEAST", "least"), Map.entry("NULLIF", "nullif"),
            Map.entry("TRANSLATE3", "translate"), Map.entry("CHR", "chr"), Map.entry("ASCII", "ascii"),
            Map.entry("CEIL", "ceil"), Map.entry("FLOOR", "floor"), Map.entry("REGEXP_REPLACE", "regexp_replace"));
    /** Functions whose native version takes double precision arguments. */
    private static final Set<String> ON_DOUBLES = Set.of("SQRT", "CBRT", "EXP", "LN", "LOG10", "LOG", "POWER", "SIGN", "DEGREES",
            "RADIANS", "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "ATAN2");
    /** PostgreSQL's date_trunc units as the native truncation names them. */
    private static final Map<String, String> TRUNC_UNITS = Map.ofEntries(
            Map.entry("microseconds", "MICROSECOND"), Map.entry("milliseconds", "MILLISECOND"), Map.entry("second", "SECOND"),
            Map.entry("minute", "MINUTE"), Map.entry("hour", "HOUR"), Map.entry("day", "DAY"), Map.entry("week", "WEEK"),
            Map.entry("month", "MONTH"), Map.entry("quarter", "QUARTER"), Map.entry("year", "YEAR"));

    private final RexLowering rex;
    private final String sql;
    /** Whether a lowered call read the clock (now(), current_date): such a plan is not reused. */
    private boolean usesClock;

    /**
     * A scalar subquery's value, or PostgreSQL's error when it has more than one row ({@code rowCount > 1}). The
     * native engine has no raise function, so the error is an ANSI cast of the message that cannot succeed, in the
     * CASE branch that runs only for such a row.
     */
    static Expr checkedSingleValue(Expr value, Expr rowCount) {
        Expr one = Expr.newBuilder().setLiteral(Literal.newBuilder().setLongVal(1).setDatatype(CometTypes.id(DataTypeId.INT64))).build();
        Expr several = Expr.newBuilder().setGt(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder().setLeft(rowCount).setRight(one)).build();
        return raisingWhen(several, value, io.rhei.olap.exec.NativeErrors.MORE_THAN_ONE_ROW + " (rows: ", rowCount);
    }

    /**
     * {@code value}, or the error {@code message} for the rows where {@code condition} holds. The native engine has no
     * raise function: the error is an ANSI cast to integer of the message that cannot succeed, made of the row's
     * {@code rowDetail} (the native CASE evaluates a constant branch even for no row), chosen between the value and
     * itself so that the branch has the value's type, whatever it is.
     */
    static Expr raisingWhen(Expr condition, Expr value, String message, Expr rowDetail) {
        Expr text = Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("concat").setReturnType(CometTypes.id(DataTypeId.STRING))
                .addArgs(RexLowering.stringLiteral(message)).addArgs(PlanLowering.castExpr(rowDetail, CometTypes.id(DataTypeId.STRING)))).build();
        Expr fails = Expr.newBuilder().setGt(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder()
                .setLeft(PlanLowering.castExpr(text, CometTypes.id(DataTypeId.INT32))).setRight(PlanLowering.one())).build();
        Expr failure = Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(fails).addThen(value)
                .setElseExpr(value)).build();
        return Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(condition).addThen(failure)
                .setElseExpr(value)).build();
    }

    FunctionLowering(RexLowering rex, String sql) {
        this.rex = rex;
        this.sql = sql;
    }

    boolean usesClock() {
        return usesClock;
    }

    /** The native expression for {@code call}, or empty when the function is not one of these. */
    Optional<Expr> lower(RexCall call) {
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        List<RexNode> ops = call.getOperands();
        switch (name) {
            case "CONCAT": {
                // PostgreSQL's concat() skips NULLs and prints every argument as text (char(n) with its padding)
                ScalarFunc.Builder f = ScalarFunc.newBuilder().setFunc("concat_ws").setReturnType(CometTypes.id(DataTypeId.STRING))
                        .addArgs(RexLowering.stringLiteral(""));
                for (RexNode op : ops) {
                    f.addArgs(asText(op, true));
                }
                return Optional.of(Expr.newBuilder().setScalarFunc(f).build());
            }
            case "CONCAT_WS": {
                ScalarFunc.Builder f = ScalarFunc.newBuilder().setFunc("concat_ws").setReturnType(CometTypes.id(DataTypeId.STRING));
                for (int i = 0; i < ops.size(); i++) {
                    f.addArgs(asText(ops.get(i), i > 0));
                }
                return Optional.of(Expr.newBuilder().setScalarFunc(f).build());
            }
            case "POSITION": {
                if (ops.size() > 2) {
                    throw new UnsupportedSqlException(sql, "POSITION ... FROM");
                }
                return Optional.of(native_("strpos", call.getType(), rex.textArg(ops.get(1)), rex.textArg(ops.get(0))));
            }
            case "OCTET_LENGTH": {
                // Calcite casts text to bytes first; the native octet_length counts UTF-8 bytes of text itself
                RexNode arg = ops.get(0);
                if (arg.getKind() == org.apache.calcite.sql.SqlKind.CAST && SqlTypeName.CHAR_TYPES.contains(((RexCall) arg).getOperands().get(0).getType().getSqlTypeName())) {
                    arg = ((RexCall) arg).getOperands().get(0);
                }
                if (arg instanceof RexLiteral lit) {
                    return Optional.of(lit.isNull() ? Expr.newBuilder().setLiteral(Literal.newBuilder().setIsNull(true).setDatatype(CometTypes.of(call.getType()))).build()
                            : rex.castExpr(RexLowering.intLiteral(lit.getValueAs(String.class).getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                            rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.BIGINT), call.getType()));
                }
                return Optional.of(native_("octet_length", call.getType(), rex.lower(arg)));
            }
            case "ROUND":
                return Optional.of(round(call));
            case "TRUNC", "TRUNCATE":
                return Optional.of(trunc(call));
            case "MOD":
                return Optional.of(rex.lower(rex.rexBuilder().makeCall(org.apache.calcite.sql.fun.SqlStdOperatorTable.MOD, ops)));
            case "DATE_TRUNC":
                return Optional.of(dateTrunc(call));
            case "RHEI_EXTRACT_EXACT":
                return Optional.of(extractExact(call));
            case "RHEI_CHECKED_SINGLE_VALUE":
                return Optional.of(checkedSingleValue(rex.lower(ops.get(0)), rex.lowerAs(ops.get(1),
                        rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.BIGINT))));
            case "MAKE_DATE": {
                // NULL for a NULL part, as PostgreSQL (the native make_date fails on one)
                Expr made = native_("make_date", call.getType(), rex.lowerAs(ops.get(0), intType()),
                        rex.lowerAs(ops.get(1), intType()), rex.lowerAs(ops.get(2), intType()));
                Expr anyNull = null;
                for (RexNode op : ops) {
                    Expr isNull = Expr.newBuilder().setIsNull(org.apache.comet.serde.ExprOuterClass.UnaryExpr.newBuilder().setChild(rex.lower(op))).build();
                    anyNull = anyNull == null ? isNull : Expr.newBuilder().setOr(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder()
                            .setLeft(anyNull).setRight(isNull)).build();
                }
                return Optional.of(Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(anyNull)
                        .addThen(Expr.newBuilder().setLiteral(Literal.newBuilder().setIsNull(true).setDatatype(CometTypes.of(call.getType()))))
                        .setElseExpr(made)).build());
            }
            case "VERSION":
                return Optional.of(RexLowering.stringLiteral(SessionInfo.VERSION));
            case "CURRENT_DATABASE", "CURRENT_CATALOG":
                return Optional.of(RexLowering.stringLiteral(SessionInfo.DATABASE));
            case "CURRENT_SCHEMA":
                return Optional.of(RexLowering.stringLiteral("public"));
            case "CURRENT_USER", "SESSION_USER", "USER", "CURRENT_ROLE":
                return Optional.of(RexLowering.stringLiteral(SessionInfo.USER));
            case "CURRENT_DATE": {
                usesClock = true;
                int days = (int) java.time.LocalDate.now(java.time.ZoneOffset.UTC).toEpochDay();
                return Optional.of(Expr.newBuilder().setLiteral(Literal.newBuilder().setIntVal(days).setDatatype(CometTypes.id(DataTypeId.DATE))).build());
            }
            case "NOW", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP", "TRANSACTION_TIMESTAMP", "STATEMENT_TIMESTAMP": {
                usesClock = true;
                java.time.Instant now = java.time.Instant.now();
                long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
                return Optional.of(rex.castExpr(Expr.newBuilder().setLiteral(Literal.newBuilder().setLongVal(micros)
                        .setDatatype(CometTypes.id(DataTypeId.TIMESTAMP))).build(),
                        rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6), call.getType()));
            }
            case "PG_BACKEND_PID":
                return Optional.of(Expr.newBuilder().setLiteral(Literal.newBuilder().setIntVal((int) ProcessHandle.current().pid())
                        .setDatatype(CometTypes.id(DataTypeId.INT32))).build());
            case "CURRENT_SETTING": {
                String setting = literalText(ops.get(0), "current_setting");
                return Optional.of(RexLowering.stringLiteral(SessionInfo.setting(setting).orElseThrow(() ->
                        new UnsupportedSqlException(sql, "setting " + setting + " (unknown to Rhei)"))));
            }
            default:
                break;
        }
        String nativeName = SAME_MEANING.get(name);
        if (nativeName == null) {
            return Optional.empty();
        }
        if (ON_DOUBLES.contains(name)) {
            ScalarFunc.Builder f = ScalarFunc.newBuilder().setFunc(nativeName).setReturnType(CometTypes.id(DataTypeId.DOUBLE));
            for (RexNode op : ops) {
                f.addArgs(rex.lowerAs(op, doubleType()));
            }
            return Optional.of(rex.castExpr(Expr.newBuilder().setScalarFunc(f).build(), doubleType(), call.getType()));
        }
        if (name.equals("GREATEST") || name.equals("LEAST") || name.equals("NULLIF")) {
            ScalarFunc.Builder f = ScalarFunc.newBuilder().setFunc(nativeName).setReturnType(CometTypes.of(call.getType()));
            for (RexNode op : ops) {
                f.addArgs(rex.lowerAs(op, call.getType()));
            }
            return Optional.of(Expr.newBuilder().setScalarFunc(f).build());
        }
        if (name.equals("ABS") && SqlTypeName.INT_TYPES.contains(ops.get(0).getType().getSqlTypeName())) {
            // abs of the smallest integer overflows: PostgreSQL raises, the native abs wraps
            Expr x = rex.lowerAs(ops.get(0), call.getType());
            Expr negative = Expr.newBuilder().setLt(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder().setLeft(x)
                    .setRight(rex.castExpr(RexLowering.intLiteral(0), rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.BIGINT), call.getType()))).build();
            Expr negated = Expr.newBuilder().setUnaryMinus(org.apache.comet.serde.ExprOuterClass.UnaryMinus.newBuilder().setChild(x).setFailOnError(true)).build();
            return Optional.of(Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(negative)
                    .addThen(negated).setElseExpr(x)).build());
        }
        if (name.equals("CEIL") || name.equals("FLOOR")) {
            return Optional.of(ceilFloor(nativeName, call));
        }
        return Optional.of(rex.function(nativeName, call));
    }

    /** An argument as text: strings as they are (char(n) without or with its padding), other types cast. */
    private Expr asText(RexNode op, boolean keepPadding) {
        if (op.getKind() == org.apache.calcite.sql.SqlKind.CAST && ((RexCall) op).getOperands().get(0).getType().getSqlTypeName() == SqlTypeName.BOOLEAN) {
            op = ((RexCall) op).getOperands().get(0); // Calcite's cast to text would print true; concat() prints t
        }
        SqlTypeName t = op.getType().getSqlTypeName();
        if (t == SqlTypeName.CHAR && !(op instanceof RexLiteral) && !keepPadding) {
            return rex.withoutTrailingBlanks(op);
        }
        if (t == SqlTypeName.CHAR || t == SqlTypeName.VARCHAR) {
            return rex.lower(op);
        }
        if (t == SqlTypeName.BOOLEAN) {
            // concat() prints a boolean as PostgreSQL's output does: t or f
            Expr b = rex.lower(op);
            return Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(b).addThen(RexLowering.stringLiteral("t"))
                    .addWhen(Expr.newBuilder().setNot(org.apache.comet.serde.ExprOuterClass.UnaryExpr.newBuilder().setChild(b))).addThen(RexLowering.stringLiteral("f"))
                    .setElseExpr(Expr.newBuilder().setLiteral(Literal.newBuilder().setIsNull(true).setDatatype(CometTypes.id(DataTypeId.STRING))))).build();
        }
        return rex.lowerAs(op, rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.VARCHAR));
    }

    /** round(x) and round(x, n): numeric half away from zero; double precision to the nearest even on a tie. */
    private Expr round(RexCall call) {
        RexNode x = call.getOperands().get(0);
        SqlTypeName t = x.getType().getSqlTypeName();
        if (SqlTypeName.APPROX_TYPES.contains(t)) {
            if (call.getOperands().size() > 1) {
                throw new UnsupportedSqlException(sql, "round(double precision, integer) (PostgreSQL has none: cast to numeric)");
            }
            return rex.castExpr(rex.roundHalfEven(rex.lowerAs(x, doubleType())), doubleType(), call.getType());
        }
        int digits = call.getOperands().size() > 1 ? literalInt(call.getOperands().get(1), "round") : 0;
        RelDataType dec = asDecimal(x.getType());
        Expr value = rex.lowerAs(x, dec);
        if (digits >= dec.getScale()) {
            return rex.castExpr(value, dec, call.getType());
        }
        // the native round gives decimal(p - s + digits + 1, digits), half away from zero
        RelDataType rounded = rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.DECIMAL,
                Math.min(38, dec.getPrecision() - dec.getScale() + Math.max(digits, 0) + 1), Math.max(digits, 0));
        return rex.castExpr(native_("round", rounded, value, RexLowering.intLiteral(digits)), rounded, call.getType());
    }

    /** trunc(x [, n]): towards zero; a numeric stays exact (x minus x mod 10^-n). */
    private Expr trunc(RexCall call) {
        RexNode x = call.getOperands().get(0);
        int digits = call.getOperands().size() > 1 ? literalInt(call.getOperands().get(1), "trunc") : 0;
        if (SqlTypeName.APPROX_TYPES.contains(x.getType().getSqlTypeName())) {
            Expr v = rex.lowerAs(x, doubleType());
            Expr t = digits == 0 ? native_("trunc", doubleType(), v) : native_("trunc", doubleType(), v, rex.intLiteral(digits));
            return rex.castExpr(t, doubleType(), call.getType());
        }
        RelDataType dec = asDecimal(x.getType());
        if (digits >= dec.getScale()) {
            return rex.lowerAs(x, call.getType());
        }
        Expr v = rex.lowerAs(x, dec);
        BigDecimal unit = BigDecimal.ONE.movePointLeft(digits);
        RelDataType unitType = rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.DECIMAL,
                Math.max(1, unit.precision()), Math.max(0, unit.scale()));
        Expr unitLit = Expr.newBuilder().setLiteral(Literal.newBuilder().setDatatype(CometTypes.of(unitType))
                .setDecimalVal(org.apache.comet.shaded.protobuf.ByteString.copyFrom(unit.setScale(unitType.getScale()).unscaledValue().toByteArray()))).build();
        int remScale = Math.max(dec.getScale(), unitType.getScale());
        RelDataType remType = rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.DECIMAL,
                Math.min(38, Math.min(dec.getPrecision() - dec.getScale(), unitType.getPrecision() - unitType.getScale()) + remScale), remScale);
        Expr rem = Expr.newBuilder().setRemainder(MathExpr.newBuilder().setLeft(v).setRight(unitLit).setReturnType(CometTypes.of(remType))
                .setEvalMode(EvalMode.ANSI)).build();
        Expr diff = Expr.newBuilder().setSubtract(MathExpr.newBuilder().setLeft(v).setRight(rem)
                .setReturnType(CometTypes.of(dec)).setEvalMode(EvalMode.ANSI)).build();
        // the native subtraction types its result itself (one more digit): cast to the declared type
        return rex.cast(diff, call.getType());
    }

    /** ceil/floor: the native versions return bigint for doubles; PostgreSQL keeps the argument's type. */
    private Expr ceilFloor(String nativeName, RexCall call) {
        RexNode x = call.getOperands().get(0);
        if (SqlTypeName.APPROX_TYPES.contains(x.getType().getSqlTypeName())) {
            Expr v = rex.lowerAs(x, doubleType());
            Expr r = native_(nativeName, rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.BIGINT), v);
            return rex.castExpr(r, rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.BIGINT), call.getType());
        }
        if (SqlTypeName.INT_TYPES.contains(x.getType().getSqlTypeName())) {
            return rex.lowerAs(x, call.getType());
        }
        RelDataType dec = x.getType();
        RelDataType out = rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.DECIMAL,
                Math.min(38, dec.getPrecision() - dec.getScale() + 1), 0);
        return rex.castExpr(native_(nativeName, out, rex.lower(x)), out, call.getType());
    }

    /** date_trunc(unit, x): a date or timestamptz in UTC (the session time zone), a timestamp as it is. */
    private Expr dateTrunc(RexCall call) {
        String unit = literalText(call.getOperands().get(0), "date_trunc").toLowerCase(Locale.ROOT);
        if (call.getOperands().get(1) instanceof RexLiteral constant) {
            return rex.lower(ConstantDates.dateTrunc(rex.rexBuilder(), unit, constant, call.getType(), sql));
        }
        String nativeUnit = TRUNC_UNITS.get(unit.endsWith("s") && !unit.endsWith("seconds") ? unit.substring(0, unit.length() - 1) : unit);
        if (nativeUnit == null) {
            nativeUnit = TRUNC_UNITS.get(unit);
        }
        if (nativeUnit == null) {
            throw new UnsupportedSqlException(sql, "date_trunc('" + unit + "', ...)");
        }
        RexNode x = call.getOperands().get(1);
        var f = rex.rexBuilder().getTypeFactory();
        RelDataType tz = f.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6);
        // dates and timestamps without zone as the same wall clock in UTC (the session zone)
        Expr value = rex.lowerAs(x, tz);
        Expr truncated = Expr.newBuilder().setTruncTimestamp(org.apache.comet.serde.ExprOuterClass.TruncTimestamp.newBuilder()
                .setFormat(RexLowering.stringLiteral(nativeUnit)).setChild(value).setTimezone(SessionInfo.TIME_ZONE)).build();
        // the native truncation declares a timestamp without zone but returns UTC ones: relabel it before anything else
        Expr labelled = rex.castExpr(truncated, f.createSqlType(SqlTypeName.TIMESTAMP, 6), tz);
        return rex.castExpr(labelled, tz, call.getType());
    }

    /** extract/date_part of second, milliseconds, microseconds or epoch, with their fractions, as numeric(24,6). */
    private Expr extractExact(RexCall call) {
        String unit = literalText(call.getOperands().get(0), "extract").toLowerCase(Locale.ROOT);
        var f = rex.rexBuilder().getTypeFactory();
        RelDataType ts = f.createSqlType(SqlTypeName.TIMESTAMP, 6);
        RexNode x = call.getOperands().get(1);
        Expr value = x.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE ? rex.lower(x) : rex.lowerAs(x, ts);
        RelDataType bigint = f.createSqlType(SqlTypeName.BIGINT);
        // microseconds within the minute (DataFusion's 'microsecond' counts the seconds too), or since the epoch
        Expr micros = switch (unit) {
            case "second", "seconds", "milliseconds", "millisecond", "microseconds", "microsecond" ->
                    rex.castExpr(native_("date_part", f.createSqlType(SqlTypeName.DOUBLE), RexLowering.stringLiteral("microsecond"), value), f.createSqlType(SqlTypeName.DOUBLE), bigint);
            case "epoch" -> Expr.newBuilder().setCast(org.apache.comet.serde.ExprOuterClass.Cast.newBuilder()
                    .setChild(rex.castExpr(value, x.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE ? x.getType() : ts,
                            f.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6)))
                    .setDatatype(CometTypes.id(DataTypeId.INT64)).setEvalMode(EvalMode.LEGACY).setTimezone("UTC").setAllowIncompat(true)).build();
            default -> throw new UnsupportedSqlException(sql, "EXTRACT(" + unit.toUpperCase(Locale.ROOT) + " ...)");
        };
        int decimals = switch (unit) {
            case "milliseconds", "millisecond" -> 3;
            case "microseconds", "microsecond" -> 0;
            default -> 6;
        };
        if (unit.equals("epoch")) {
            // the cast gives whole seconds; the microseconds within the second come from date_part
            Expr sub = rex.castExpr(native_("date_part", f.createSqlType(SqlTypeName.DOUBLE), RexLowering.stringLiteral("microsecond"), value),
                    f.createSqlType(SqlTypeName.DOUBLE), bigint);
            Expr subMicros = Expr.newBuilder().setRemainder(MathExpr.newBuilder().setLeft(sub).setRight(RexLowering.intLiteral(1_000_000))
                    .setReturnType(CometTypes.of(bigint)).setEvalMode(EvalMode.ANSI)).build();
            Expr secondsAsMicros = Expr.newBuilder().setMultiply(MathExpr.newBuilder().setLeft(micros).setRight(RexLowering.intLiteral(1_000_000))
                    .setReturnType(CometTypes.of(bigint)).setEvalMode(EvalMode.ANSI)).build();
            micros = Expr.newBuilder().setAdd(MathExpr.newBuilder().setLeft(secondsAsMicros).setRight(subMicros)
                    .setReturnType(CometTypes.of(bigint)).setEvalMode(EvalMode.ANSI)).build();
        }
        // microseconds as decimal(20, 0), divided exactly by 10^decimals
        RelDataType scaled = f.createSqlType(SqlTypeName.DECIMAL, 24, decimals);
        Expr asDecimal = rex.castExpr(micros, bigint, f.createSqlType(SqlTypeName.DECIMAL, 20, 0));
        Expr divisor = Expr.newBuilder().setLiteral(Literal.newBuilder().setDatatype(CometTypes.decimal(8, 0))
                .setDecimalVal(org.apache.comet.shaded.protobuf.ByteString.copyFrom(BigDecimal.ONE.movePointRight(decimals).unscaledValue().toByteArray()))).build();
        Expr q = Expr.newBuilder().setDivide(MathExpr.newBuilder().setLeft(asDecimal).setRight(divisor).setReturnType(CometTypes.of(scaled))
                .setEvalMode(EvalMode.ANSI)).build();
        return rex.castExpr(q, scaled, call.getType());
    }

    private Expr native_(String name, RelDataType returnType, Expr... args) {
        ScalarFunc.Builder f = ScalarFunc.newBuilder().setFunc(name).setReturnType(CometTypes.of(returnType));
        for (Expr a : args) {
            f.addArgs(a);
        }
        return Expr.newBuilder().setScalarFunc(f).build();
    }

    private RelDataType asDecimal(RelDataType t) {
        var f = rex.rexBuilder().getTypeFactory();
        return switch (t.getSqlTypeName()) {
            case TINYINT -> f.createSqlType(SqlTypeName.DECIMAL, 3, 0);
            case SMALLINT -> f.createSqlType(SqlTypeName.DECIMAL, 5, 0);
            case INTEGER -> f.createSqlType(SqlTypeName.DECIMAL, 10, 0);
            case BIGINT -> f.createSqlType(SqlTypeName.DECIMAL, 19, 0);
            default -> t;
        };
    }

    private RelDataType doubleType() {
        return rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.DOUBLE);
    }

    private RelDataType intType() {
        return rex.rexBuilder().getTypeFactory().createSqlType(SqlTypeName.INTEGER);
    }



    private String literalText(RexNode node, String function) {
        if (node instanceof RexLiteral lit && !lit.isNull()) {
            Object v = lit.getValue();
            return v instanceof NlsString s ? s.getValue() : lit.getValueAs(String.class);
        }
        throw new UnsupportedSqlException(sql, function + " with an argument that is not a constant");
    }

    private int literalInt(RexNode node, String function) {
        if (node instanceof RexLiteral lit && !lit.isNull()) {
            return lit.getValueAs(Integer.class);
        }
        throw new UnsupportedSqlException(sql, function + " with a number of digits that is not a constant");
    }
}
