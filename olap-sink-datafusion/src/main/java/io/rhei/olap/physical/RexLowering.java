package io.rhei.olap.physical;

import io.rhei.olap.sql.Bpchar;
import io.rhei.olap.sql.ConstantStrings;

import io.rhei.olap.UnsupportedSqlException;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimestampString;
import org.apache.comet.serde.ExprOuterClass.BinaryExpr;
import org.apache.comet.serde.ExprOuterClass.BoundReference;
import org.apache.comet.serde.ExprOuterClass.CaseWhen;
import org.apache.comet.serde.ExprOuterClass.Cast;
import org.apache.comet.serde.ExprOuterClass.EvalMode;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.MathExpr;
import org.apache.comet.serde.ExprOuterClass.ScalarFunc;
import org.apache.comet.serde.ExprOuterClass.UnaryExpr;
import org.apache.comet.serde.ExprOuterClass.UnaryMinus;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.shaded.protobuf.ByteString;

import java.math.BigDecimal;
import java.util.List;

/**
 * Row expressions to native expressions. PostgreSQL semantics where the plan can ask for them: arithmetic and
 * casts run in ANSI mode (integer overflow, division by zero and bad casts raise errors, as in PostgreSQL, rather
 * than wrapping or returning NULL). Anything not mapped is refused by name.
 */
public final class RexLowering {
    private final String sql;
    private final RexBuilder rexBuilder;
    private final FunctionLowering functions;

    RexLowering(String sql, RexBuilder rexBuilder) {
        this.sql = sql;
        this.rexBuilder = rexBuilder;
        this.functions = new FunctionLowering(this, sql);
    }

    RexBuilder rexBuilder() {
        return rexBuilder;
    }

    /** The operator whose output the expression being lowered reads (for the origins of its columns), or null. */
    private org.apache.calcite.rel.RelNode input;

    /** {@code node} over the output of {@code input}: stored char(n) columns then compare without trimming. */
    Expr lowerOver(org.apache.calcite.rel.RelNode input, RexNode node) {
        org.apache.calcite.rel.RelNode previous = this.input;
        this.input = input;
        try {
            return lower(node);
        } finally {
            this.input = previous;
        }
    }

    /** The stored char(n) length of a column reference of the current input; 0 for anything else. */
    private int storedCharLength(RexNode node) {
        RexNode ref = storedColumn(node);
        return ref instanceof RexInputRef r && input != null ? Bpchar.storedLength(input, r.getIndex()) : 0;
    }

    /** The column under Calcite's implied cast of a char(n) to a longer string type, or the node itself. */
    private static RexNode storedColumn(RexNode node) {
        return Bpchar.isImpliedVarcharCast(node) ? ((RexCall) node).getOperands().get(0) : node;
    }

    /** Whether an expression lowered so far reads the clock, so that its plan must not be reused. */
    boolean usesClock() {
        return functions.usesClock();
    }

    /** {@code node} lowered and cast to {@code to} where its type differs. */
    Expr lowerAs(RexNode node, RelDataType to) {
        return castIfNeeded(node, to);
    }

    /** A string argument of a text function: char(n) without its padding, other types cast to text. */
    Expr textArg(RexNode node) {
        if (Bpchar.is(node)) {
            return withoutTrailingBlanks(node);
        }
        return castIfNeeded(node, rexBuilder.getTypeFactory().createSqlType(SqlTypeName.VARCHAR));
    }

    /** {@code e} of type {@code from} cast to {@code to}, unless the types are the same. */
    Expr castExpr(Expr e, RelDataType from, RelDataType to) {
        if (from.getSqlTypeName() == to.getSqlTypeName() && (to.getSqlTypeName() != SqlTypeName.DECIMAL
                || from.getPrecision() == to.getPrecision() && from.getScale() == to.getScale())) {
            return e;
        }
        return cast(e, to);
    }

    Expr lower(RexNode node) {
        if (node instanceof RexInputRef ref) {
            return Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(ref.getIndex()).setDatatype(type(ref.getType()))).build();
        }
        if (node instanceof RexLiteral lit) {
            return literal(lit);
        }
        if (node instanceof org.apache.calcite.rex.RexOver over) {
            throw unsupported("window function " + over.getAggOperator().getName() + " in this position");
        }
        if (node instanceof RexCall call) {
            if (call.getType().getSqlTypeName() == SqlTypeName.NULL) {
                return nullOf(call.getType()); // upper(NULL), abs(NULL): NULL, whatever the function
            }
            return call(call);
        }
        throw unsupported("expression " + node + " (" + node.getKind() + ")");
    }

    private org.apache.comet.serde.Types.DataType type(RelDataType t) {
        try {
            return CometTypes.of(t);
        } catch (IllegalArgumentException e) {
            throw unsupported("type " + t.getFullTypeString() + " in a query (e.g. columns of PostgreSQL type time)");
        }
    }

    private UnsupportedSqlException unsupported(String what) {
        return new UnsupportedSqlException(sql, what);
    }

    private Expr literal(RexLiteral lit) {
        RelDataType t = lit.getType();
        Literal.Builder b = Literal.newBuilder().setDatatype(type(t));
        if (lit.isNull()) {
            return Expr.newBuilder().setLiteral(b.setIsNull(true)).build();
        }
        switch (t.getSqlTypeName()) {
            case BOOLEAN -> b.setBoolVal(lit.getValueAs(Boolean.class));
            case TINYINT -> b.setByteVal(lit.getValueAs(Byte.class));
            case SMALLINT -> b.setShortVal(lit.getValueAs(Short.class));
            case INTEGER -> b.setIntVal(lit.getValueAs(Integer.class));
            case BIGINT -> b.setLongVal(lit.getValueAs(Long.class));
            case REAL, FLOAT -> b.setFloatVal(lit.getValueAs(Float.class));
            case DOUBLE -> b.setDoubleVal(lit.getValueAs(Double.class));
            case DECIMAL -> {
                BigDecimal d = lit.getValueAs(BigDecimal.class).setScale(t.getScale());
                b.setDecimalVal(ByteString.copyFrom(d.unscaledValue().toByteArray()));
            }
            case CHAR, VARCHAR -> b.setStringVal(lit.getValueAs(String.class));
            case DATE -> b.setIntVal(lit.getValueAs(DateString.class).getDaysSinceEpoch());
            case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> b.setLongVal(epochMicros(lit.getValueAs(TimestampString.class)));
            case BINARY, VARBINARY -> b.setBytesVal(ByteString.copyFrom(lit.getValueAs(org.apache.calcite.avatica.util.ByteString.class).getBytes()));
            default -> throw unsupported("literal " + lit + " of type " + t.getFullTypeString());
        }
        return Expr.newBuilder().setLiteral(b).build();
    }

    /** Microseconds since the epoch, fraction included (TimestampString's millisecond view drops the rest). */
    private static long epochMicros(TimestampString ts) {
        java.time.LocalDateTime t = java.time.LocalDateTime.parse(ts.toString().replace(' ', 'T'));
        return t.toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
    }

    /**
     * {@code x IN (v1, v2, ...)} (and NOT IN) as the native IN list, which tests each row against a hash set of the
     * values and evaluates {@code x} once; an expansion into ORs evaluates {@code x} once per value (TPC-H Q22's
     * seven country codes of {@code substring(c_phone, 1, 2)}). Ranges, and lists whose NULL handling is not SQL's
     * default, are expanded.
     */
    private Expr search(RexCall call) {
        RexNode operand = call.getOperands().get(0);
        org.apache.calcite.util.Sarg<?> sarg = ((RexLiteral) call.getOperands().get(1)).getValueAs(org.apache.calcite.util.Sarg.class);
        boolean negated = sarg != null && sarg.isComplementedPoints();
        org.apache.calcite.util.Sarg<?> points = negated ? sarg.negate() : sarg;
        if (points == null || !points.isPoints() || points.pointCount < 2
                || sarg.nullAs != org.apache.calcite.rex.RexUnknownAs.UNKNOWN) {
            return lower(RexUtil.expandSearch(rexBuilder, null, call));
        }
        boolean bpchar = Bpchar.is(operand);
        int stored = storedCharLength(operand);
        if (stored > 0) {
            // a value longer than n equals no stored value and is left out; when all are, the general path
            boolean anyFits = false;
            for (Object range : points.rangeSet.asRanges()) {
                anyFits |= !(((com.google.common.collect.Range<?>) range).lowerEndpoint() instanceof org.apache.calcite.util.NlsString text)
                        || Bpchar.padded(text.getValue(), stored) != null;
            }
            stored = anyFits ? stored : 0;
        }
        org.apache.comet.serde.ExprOuterClass.In.Builder in = org.apache.comet.serde.ExprOuterClass.In.newBuilder()
                .setInValue(stored > 0 ? lower(storedColumn(operand)) : bpchar ? withoutTrailingBlanks(operand) : lower(operand)).setNegated(negated);
        for (Object range : points.rangeSet.asRanges()) {
            Comparable<?> value = ((com.google.common.collect.Range<?>) range).lowerEndpoint();
            if (stored > 0 && value instanceof org.apache.calcite.util.NlsString text) {
                String padded = Bpchar.padded(text.getValue(), stored);
                if (padded != null) {
                    in.addLists(stringLiteral(padded));
                }
            } else if (bpchar && value instanceof org.apache.calcite.util.NlsString text) {
                in.addLists(stringLiteral(Bpchar.stripTrailingBlanks(text.getValue())));
            } else {
                in.addLists(lower(rexBuilder.makeLiteral(value, operand.getType(), true, true)));
            }
        }
        return Expr.newBuilder().setIn(in).build();
    }

    private Expr call(RexCall call) {
        SqlKind kind = call.getKind();
        List<RexNode> ops = call.getOperands();
        switch (kind) {
            case SEARCH:
                return search(call);
            case SOME, ALL:
                return quantified(call);
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, IS_NOT_DISTINCT_FROM, IS_DISTINCT_FROM:
                return comparison(kind, ops.get(0), ops.get(1));
            case AND, OR: {
                // right-deep: a AND (b AND c), so each conjunct decides alone whether the rest runs on the rows it
                // keeps (ConjunctOrder), not the conjunction of all before it
                Expr acc = lower(ops.get(ops.size() - 1));
                for (int i = ops.size() - 2; i >= 0; i--) {
                    BinaryExpr be = BinaryExpr.newBuilder().setLeft(lower(ops.get(i))).setRight(acc).build();
                    acc = kind == SqlKind.AND ? Expr.newBuilder().setAnd(be).build() : Expr.newBuilder().setOr(be).build();
                }
                return acc;
            }
            case NOT:
                return Expr.newBuilder().setNot(UnaryExpr.newBuilder().setChild(lower(ops.get(0)))).build();
            case IS_NULL:
                return Expr.newBuilder().setIsNull(UnaryExpr.newBuilder().setChild(lower(ops.get(0)))).build();
            case IS_NOT_NULL:
                return Expr.newBuilder().setIsNotNull(UnaryExpr.newBuilder().setChild(lower(ops.get(0)))).build();
            case IS_TRUE:
                return comparison(SqlKind.IS_NOT_DISTINCT_FROM, ops.get(0), rexBuilder.makeLiteral(true));
            case IS_FALSE:
                return comparison(SqlKind.IS_NOT_DISTINCT_FROM, ops.get(0), rexBuilder.makeLiteral(false));
            case IS_NOT_TRUE:
                return comparison(SqlKind.IS_DISTINCT_FROM, ops.get(0), rexBuilder.makeLiteral(true));
            case IS_NOT_FALSE:
                return comparison(SqlKind.IS_DISTINCT_FROM, ops.get(0), rexBuilder.makeLiteral(false));
            case PLUS, MINUS, TIMES, DIVIDE, MOD:
                return math(kind, call);
            case MINUS_PREFIX:
                return Expr.newBuilder().setUnaryMinus(UnaryMinus.newBuilder().setChild(lower(ops.get(0))).setFailOnError(true)).build();
            case PLUS_PREFIX:
                return lower(ops.get(0));
            case CAST:
                return castCall(ops.get(0), call.getType());
            case CASE: {
                CaseWhen.Builder cw = CaseWhen.newBuilder();
                for (int i = 0; i + 1 < ops.size(); i += 2) {
                    cw.addWhen(lower(ops.get(i))).addThen(castIfNeeded(ops.get(i + 1), call.getType()));
                }
                cw.setElseExpr(castIfNeeded(ops.get(ops.size() - 1), call.getType()));
                return Expr.newBuilder().setCaseWhen(cw).build();
            }
            case LIKE: {
                if (ops.size() > 2) {
                    throw unsupported("LIKE ... ESCAPE");
                }
                // LIKE reads a char(n) value with its padding, as PostgreSQL's bpchar LIKE does
                Expr value = lower(storedColumn(ops.get(0)));
                Expr pattern = lower(ops.get(1));
                String op = call.getOperator().getName().toUpperCase(java.util.Locale.ROOT);
                if (op.contains("ILIKE")) {
                    value = lowerCase(value);
                    pattern = lowerCase(pattern);
                }
                Expr like = Expr.newBuilder().setLike(BinaryExpr.newBuilder().setLeft(value).setRight(pattern)).build();
                return op.startsWith("NOT") || call.getOperator().getKind() == SqlKind.NOT
                        ? Expr.newBuilder().setNot(UnaryExpr.newBuilder().setChild(like)).build() : like;
            }
            case COALESCE:
                return function("coalesce", call);
            case POSIX_REGEX_CASE_SENSITIVE:
            case POSIX_REGEX_CASE_INSENSITIVE: {
                // ~ and ~*, !~ and !~*: the native regular expressions (Rust's syntax: PostgreSQL's for the
                // anchors, classes and alternations catalog queries use); the pattern must be a constant
                if (!(ops.get(1) instanceof RexLiteral patternLit) || patternLit.isNull()) {
                    throw unsupported("a regular expression match (~) whose pattern is not a constant");
                }
                String pattern = Bpchar.stripTrailingBlanks(patternLit.getValueAs(String.class));
                if (kind == SqlKind.POSIX_REGEX_CASE_INSENSITIVE) {
                    pattern = "(?i)" + pattern;
                }
                Expr match = Expr.newBuilder().setRlike(BinaryExpr.newBuilder().setLeft(textArg(ops.get(0)))
                        .setRight(stringLiteral(pattern))).build();
                return call.getOperator().getName().toUpperCase(java.util.Locale.ROOT).contains("NEGATED")
                        ? Expr.newBuilder().setNot(UnaryExpr.newBuilder().setChild(match)).build() : match;
            }
            default:
                break;
        }
        String name = call.getOperator().getName().toUpperCase(java.util.Locale.ROOT);
        switch (kind) {
            case EXTRACT:
                return extract(call);
            case TRIM:
                return trim(call);
            default:
                break;
        }
        if (name.equals("SUBSTRING")) {
            return substring(call);
        }
        if (call instanceof org.apache.calcite.rex.RexSubQuery) {
            // what Calcite's decorrelator left: a subquery inside a correlated subquery, correlated to an outer query
            throw unsupported("a subquery inside a correlated subquery (" + call.getOperator().getName().replace("$", "").toLowerCase(java.util.Locale.ROOT)
                    + "); join the inner table in the outer query instead");
        }
        return functions.lower(call).orElseThrow(() -> unsupported("function or operator " + call.getOperator().getName()));
    }

    /**
     * {@code x op ANY (ARRAY[a, b])} and {@code x op ALL (ARRAY[...])}: the comparisons joined by OR (AND), which
     * gives SQL's NULL rules; subqueries have become joins before this.
     */
    private Expr quantified(RexCall call) {
        RexNode array = call.getOperands().get(1);
        if (!(array instanceof RexCall values) || values.getKind() != SqlKind.ARRAY_VALUE_CONSTRUCTOR || values.getOperands().isEmpty()) {
            throw unsupported(call.getOperator().getName() + " over an array that is not a list of values");
        }
        SqlKind cmp = ((org.apache.calcite.sql.fun.SqlQuantifyOperator) call.getOperator()).comparisonKind;
        Expr acc = null;
        for (RexNode v : values.getOperands()) {
            Expr c = comparison(cmp, call.getOperands().get(0), v);
            if (acc == null) {
                acc = c;
            } else {
                BinaryExpr be = BinaryExpr.newBuilder().setLeft(acc).setRight(c).build();
                acc = call.getKind() == SqlKind.SOME ? Expr.newBuilder().setOr(be).build() : Expr.newBuilder().setAnd(be).build();
            }
        }
        return acc;
    }

    /** EXTRACT(field FROM date/timestamp): DataFusion's date_part, as the BIGINT Calcite types it. */
    private Expr extract(RexCall call) {
        Object unitValue = ((RexLiteral) call.getOperands().get(0)).getValue();
        String unit = (unitValue instanceof org.apache.calcite.util.NlsString ns ? ns.getValue() : String.valueOf(unitValue))
                .toLowerCase(java.util.Locale.ROOT);
        boolean isoDow = unit.equals("isodow");
        if (!isoDow && !List.of("year", "quarter", "month", "week", "day", "hour", "minute", "dow", "doy").contains(unit)) {
            throw unsupported("EXTRACT(" + unit.toUpperCase(java.util.Locale.ROOT) + " ...)");
        }
        Expr unitLit = Expr.newBuilder().setLiteral(Literal.newBuilder().setStringVal(isoDow ? "dow" : unit)
                .setDatatype(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.STRING))).build();
        ScalarFunc.Builder f = ScalarFunc.newBuilder().setFunc("date_part").addArgs(unitLit).addArgs(lower(call.getOperands().get(1)))
                .setReturnType(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.INT32));
        Expr part = Expr.newBuilder().setScalarFunc(f).build();
        if (isoDow) { // ISO: Monday 1 .. Sunday 7
            Expr zero = Expr.newBuilder().setLiteral(Literal.newBuilder().setIntVal(0)
                    .setDatatype(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.INT32))).build();
            Expr seven = Expr.newBuilder().setLiteral(Literal.newBuilder().setIntVal(7)
                    .setDatatype(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.INT32))).build();
            part = Expr.newBuilder().setCaseWhen(CaseWhen.newBuilder().addWhen(Expr.newBuilder().setEq(BinaryExpr.newBuilder()
                    .setLeft(part).setRight(zero))).addThen(seven).setElseExpr(part)).build();
        }
        return cast(part, call.getType());
    }


    /** TRIM([BOTH|LEADING|TRAILING] chars FROM s). */
    private Expr trim(RexCall call) {
        String flag = ((RexLiteral) call.getOperands().get(0)).getValue().toString();
        String fn = switch (flag) {
            case "LEADING" -> "ltrim";
            case "TRAILING" -> "rtrim";
            default -> "btrim";
        };
        ScalarFunc.Builder f = ScalarFunc.newBuilder().setFunc(fn).setReturnType(type(call.getType()))
                .addArgs(lower(call.getOperands().get(2))).addArgs(lower(call.getOperands().get(1)));
        return Expr.newBuilder().setScalarFunc(f).build();
    }

    /**
     * SUBSTRING(s FROM start [FOR length]) with PostgreSQL's rules: a start below 1 counts positions before the
     * string, a negative length is an error. Constants are computed here; a column with a constant start of at least
     * 1 is the native substring; anything else is refused by name.
     */
    private Expr substring(RexCall call) {
        List<RexNode> ops = call.getOperands();
        boolean constantBounds = ops.get(1) instanceof RexLiteral && (ops.size() < 3 || ops.get(2) instanceof RexLiteral);
        if (!constantBounds) {
            throw unsupported("SUBSTRING with a start or length that is not a constant");
        }
        RexLiteral startLit = (RexLiteral) ops.get(1);
        RexLiteral lenLit = ops.size() > 2 ? (RexLiteral) ops.get(2) : null;
        if (startLit.isNull() || lenLit != null && lenLit.isNull() || ops.get(0) instanceof RexLiteral l0 && l0.isNull()) {
            return nullOf(call.getType());
        }
        long from = startLit.getValueAs(Long.class);
        long len = lenLit == null ? Long.MAX_VALUE / 4 : lenLit.getValueAs(Long.class);
        if (len < 0) {
            throw new io.rhei.olap.QueryException(sql, "negative substring length not allowed");
        }
        long end = from + len; // exclusive, 1-based
        if (ops.get(0) instanceof RexLiteral text) {
            return stringLiteral(ConstantStrings.substring(text.getValueAs(String.class), from, lenLit == null ? null : len));
        }
        int start = (int) Math.max(1, from);
        long length = Math.max(0, end - start);
        return Expr.newBuilder().setSubstring(org.apache.comet.serde.ExprOuterClass.Substring.newBuilder()
                .setChild(textArg(ops.get(0))).setStart(start).setLen((int) Math.min(Integer.MAX_VALUE, length))).build();
    }



    /**
     * A native function over the call's operands. A char(n) operand is first cast to text, which drops its trailing
     * blanks as PostgreSQL's implicit bpchar-to-text cast does, unless the function takes bpchar as it is
     * ({@link Bpchar#keepsPadding}).
     */
    Expr function(String name, RexCall call) {
        ScalarFunc.Builder f = ScalarFunc.newBuilder().setFunc(name).setReturnType(type(call.getType()));
        boolean padded = Bpchar.keepsPadding(call.getOperator().getName());
        // DataFusion's string functions take 64-bit counts; Spark's lpad/rpad 32-bit ones
        SqlTypeName count = name.equals("lpad") || name.equals("rpad") ? SqlTypeName.INTEGER : SqlTypeName.BIGINT;
        boolean counts = COUNT_ARGUMENTS.contains(name);
        for (RexNode op : call.getOperands()) {
            if (op.getType().getSqlTypeName() == SqlTypeName.NULL) {
                // an untyped NULL takes the type the function reads (the native functions need a typed argument)
                f.addArgs(nullOf(STRING_FUNCTIONS.contains(name) ? rexBuilder.getTypeFactory().createSqlType(SqlTypeName.VARCHAR) : call.getType()));
            } else if (!padded && Bpchar.is(op)) {
                f.addArgs(withoutTrailingBlanks(op));
            } else if (counts && isIntegral(op.getType())) {
                f.addArgs(castIfNeeded(op, rexBuilder.getTypeFactory().createSqlType(count)));
            } else {
                f.addArgs(castIfNeeded(op, name.equals("coalesce") ? call.getType() : op.getType()));
            }
        }
        return Expr.newBuilder().setScalarFunc(f).build();
    }

    /** Native functions that read text. */
    private static final java.util.Set<String> STRING_FUNCTIONS = java.util.Set.of("character_length", "octet_length", "upper", "lower",
            "left", "right", "lpad", "rpad", "ltrim", "rtrim", "btrim", "split_part", "strpos", "replace", "reverse", "repeat",
            "starts_with", "md5", "initcap", "concat_ws", "concat", "substr");

    /** Native string functions with a count among their arguments. */
    private static final java.util.Set<String> COUNT_ARGUMENTS = java.util.Set.of("left", "right", "repeat", "split_part", "lpad", "rpad",
            "substr", "chr");

    /** A string operand without trailing blanks: rtrim of an expression, or the literal's value trimmed here. */
    Expr withoutTrailingBlanks(RexNode node) {
        String constant = stringConstant(node);
        if (constant != null) {
            return stringLiteral(Bpchar.stripTrailingBlanks(constant));
        }
        if (!isString(node.getType())) {
            return castIfNeeded(node, rexBuilder.getTypeFactory().createSqlType(SqlTypeName.VARCHAR));
        }
        return rtrim(lower(node));
    }

    /**
     * The value of a string literal, or of the cast of one to a string type it fits unchanged (Calcite's
     * {@code CAST('AIR'):CHAR(10)} where an IN list meets a char(n) column); null for anything else. Read here so
     * that a comparison with it neither trims nor casts per row.
     */
    private static String stringConstant(RexNode node) {
        if (node instanceof RexLiteral lit) {
            return !lit.isNull() && isString(lit.getType()) ? lit.getValueAs(String.class) : null;
        }
        if (node.getKind() != SqlKind.CAST || !isString(node.getType())
                || !(((RexCall) node).getOperands().get(0) instanceof RexLiteral lit) || lit.isNull() || !isString(lit.getType())) {
            return null;
        }
        String value = lit.getValueAs(String.class);
        int length = node.getType().getPrecision();
        boolean fits = length == org.apache.calcite.rel.type.RelDataType.PRECISION_NOT_SPECIFIED || Bpchar.padded(value, length) != null;
        return fits ? value : null;
    }

    private static Expr lowerCase(Expr e) {
        return Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("lower").addArgs(e)
                .setReturnType(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.STRING))).build();
    }

    static Expr rtrim(Expr e) {
        return Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("rtrim").addArgs(e)
                .setReturnType(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.STRING))).build();
    }

    static Expr stringLiteral(String value) {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setStringVal(value)
                .setDatatype(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.STRING))).build();
    }

    private static boolean isString(RelDataType t) {
        return t.getSqlTypeName() == SqlTypeName.CHAR || t.getSqlTypeName() == SqlTypeName.VARCHAR;
    }

    /**
     * Binary comparisons need both sides in one type: the least restrictive of the two. A comparison with a char(n)
     * value is PostgreSQL's bpchar comparison: trailing blanks of both sides do not count.
     */
    private Expr comparison(SqlKind kind, RexNode l, RexNode r) {
        RelDataType common = rexBuilder.getTypeFactory().leastRestrictive(List.of(l.getType(), r.getType()));
        if (common == null) {
            throw unsupported("comparison of " + l.getType().getFullTypeString() + " with " + r.getType().getFullTypeString());
        }
        BinaryExpr be;
        boolean equality = kind == SqlKind.EQUALS || kind == SqlKind.NOT_EQUALS || kind == SqlKind.IS_DISTINCT_FROM
                || kind == SqlKind.IS_NOT_DISTINCT_FROM;
        int leftLength = storedCharLength(l);
        int length = leftLength > 0 ? leftLength : storedCharLength(r);
        RexNode column = leftLength > 0 ? l : length > 0 ? r : null;
        RexNode other = column == l ? r : l;
        String constant = stringConstant(other);
        String padded = column != null && equality && constant != null ? Bpchar.padded(constant, length) : null;
        if (padded != null) {
            // a stored char(n) column holds exactly n characters: equal to the literal padded to n (no trim per row)
            be = BinaryExpr.newBuilder().setLeft(lower(storedColumn(column))).setRight(stringLiteral(padded)).build();
        } else if (Bpchar.is(l) || Bpchar.is(r)) {
            be = BinaryExpr.newBuilder().setLeft(withoutTrailingBlanks(l)).setRight(withoutTrailingBlanks(r)).build();
        } else {
            be = BinaryExpr.newBuilder().setLeft(castIfNeeded(l, common)).setRight(castIfNeeded(r, common)).build();
        }
        Expr.Builder e = Expr.newBuilder();
        switch (kind) {
            case EQUALS -> e.setEq(be);
            case NOT_EQUALS -> e.setNeq(be);
            case LESS_THAN -> e.setLt(be);
            case LESS_THAN_OR_EQUAL -> e.setLtEq(be);
            case GREATER_THAN -> e.setGt(be);
            case GREATER_THAN_OR_EQUAL -> e.setGtEq(be);
            case IS_NOT_DISTINCT_FROM -> e.setEqNullSafe(be);
            case IS_DISTINCT_FROM -> e.setNeqNullSafe(be);
            default -> throw unsupported("comparison " + kind);
        }
        return e.build();
    }

    private Expr math(SqlKind kind, RexCall call) {
        RelDataType result = call.getType();
        RelDataType l = call.getOperands().get(0).getType();
        RelDataType r = call.getOperands().get(1).getType();
        if (l.getSqlTypeName() == SqlTypeName.DATE || r.getSqlTypeName() == SqlTypeName.DATE
                || l.getSqlTypeName().getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_DAY_TIME
                || r.getSqlTypeName().getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_DAY_TIME) {
            throw unsupported("date/interval arithmetic");
        }
        if (kind == SqlKind.MOD && isIntegral(result) && isIntegral(l) && isIntegral(r) && !l.equals(r)) {
            // Calcite types mod(bigint, int) as int (the divisor's); PostgreSQL computes in the wider type. The
            // remainder is smaller than the divisor, so it fits the result type.
            RelDataType wide = rexBuilder.getTypeFactory().leastRestrictive(List.of(l, r));
            MathExpr m = MathExpr.newBuilder().setLeft(castIfNeeded(call.getOperands().get(0), wide))
                    .setRight(castIfNeeded(call.getOperands().get(1), wide)).setReturnType(type(wide)).setEvalMode(EvalMode.ANSI).build();
            return castExpr(Expr.newBuilder().setRemainder(m).build(), wide, result);
        }
        // Operands are brought to the result type (decimal operands keep their own precision for exactness).
        boolean decimal = result.getSqlTypeName() == SqlTypeName.DECIMAL;
        // Decimal arithmetic keeps each operand's own precision (exact); integer operands become decimal(n, 0).
        Expr left = decimal ? asDecimal(call.getOperands().get(0)) : castIfNeeded(call.getOperands().get(0), result);
        Expr right = decimal ? asDecimal(call.getOperands().get(1)) : castIfNeeded(call.getOperands().get(1), result);
        if (decimal && kind == SqlKind.DIVIDE) {
            // Exact: the native decimal division at the result's scale, rounded half away from zero as PostgreSQL
            // rounds. It gives 0 for a zero divisor, so such rows take the integral division, which raises
            // PostgreSQL's error (CASE evaluates a branch only for its own rows).
            MathExpr div = MathExpr.newBuilder().setLeft(left).setRight(right).setReturnType(type(result)).setEvalMode(EvalMode.ANSI).build();
            RelDataType rt = decimalOf(call.getOperands().get(1).getType());
            Expr zero = Expr.newBuilder().setLiteral(Literal.newBuilder().setDatatype(type(rt))
                    .setDecimalVal(ByteString.copyFrom(BigDecimal.ZERO.setScale(rt.getScale()).unscaledValue().toByteArray()))).build();
            Expr isZero = Expr.newBuilder().setEq(BinaryExpr.newBuilder().setLeft(right).setRight(zero)).build();
            Expr raises = Expr.newBuilder().setIntegralDivide(div).build();
            return overflowChecked(Expr.newBuilder().setCaseWhen(CaseWhen.newBuilder().addWhen(isZero).addThen(raises)
                    .setElseExpr(Expr.newBuilder().setDivide(div))).build(), left, right, true, call);
        }
        RelDataType lt = decimal ? decimalOf(call.getOperands().get(0).getType()) : null;
        RelDataType rt = decimal ? decimalOf(call.getOperands().get(1).getType()) : null;
        if (decimal && (kind == SqlKind.PLUS || kind == SqlKind.MINUS)) {
            // Where the result's scale gave way (above 38 digits), the native operator still computes at the operands'
            // scales in 128 bits and loses a result that fits the result's type (a 19-digit difference at 20 decimals
            // came back NULL): the operands are rounded to the result's scale first, which rounds the sum the same way.
            int[] scales = {Math.min(lt.getScale(), result.getScale()), Math.min(rt.getScale(), result.getScale())};
            if (scales[0] < lt.getScale()) {
                lt = rescaled(lt, scales[0]);
                left = castExpr(left, decimalOf(call.getOperands().get(0).getType()), lt);
            }
            if (scales[1] < rt.getScale()) {
                rt = rescaled(rt, scales[1]);
                right = castExpr(right, decimalOf(call.getOperands().get(1).getType()), rt);
            }
        }
        MathExpr m = MathExpr.newBuilder().setLeft(left).setRight(right).setReturnType(type(result)).setEvalMode(EvalMode.ANSI).build();
        Expr e = switch (kind) {
            case PLUS -> Expr.newBuilder().setAdd(m).build();
            case MINUS -> Expr.newBuilder().setSubtract(m).build();
            case TIMES -> Expr.newBuilder().setMultiply(m).build();
            case DIVIDE -> isIntegral(result) ? Expr.newBuilder().setIntegralDivide(m).build() : Expr.newBuilder().setDivide(m).build();
            case MOD -> Expr.newBuilder().setRemainder(m).build();
            default -> throw unsupported("arithmetic " + kind);
        };
        // Native decimal arithmetic types its result by Spark's rules; the type system derives the same types, so a
        // cast is only needed where they still differ.
        if (decimal) {
            RelDataType native_ = nativeDecimalType(kind, lt, rt);
            if (native_ == null || native_.getPrecision() != result.getPrecision() || native_.getScale() != result.getScale()) {
                e = cast(e, result);
            }
            Expr checked = overflowChecked(e, left, right, canOverflow(kind, lt, rt, result), call);
            return kind == SqlKind.TIMES ? narrowProductFirst(checked, left, lt, right, rt, result) : checked;
        }
        return e;
    }

    /**
     * A decimal product whose operands' precisions add up to 38 or more goes through 256-bit arithmetic natively (cast
     * up, multiply, cast back), several times slower than 128 bits. Yet the operands' values are usually far narrower than
     * their types (TPC-H Q1's {@code price * (1 - disc) * (1 + tax)} is typed decimal(31,4) times decimal(16,2)). So rows
     * whose operands fit types whose precisions add up to 37 take the 128-bit product, exact since it cannot overflow
     * 128 bits; the other rows take {@code wide}, the product as before with its overflow check (CASE computes each
     * branch for its own rows only, so the check no longer computes every row's product twice).
     */
    private Expr narrowProductFirst(Expr wide, Expr left, RelDataType lt, Expr right, RelDataType rt, RelDataType result) {
        int available = 37 - lt.getScale() - rt.getScale(); // integer digits both narrowed operands share
        if (lt.getPrecision() + rt.getPrecision() < 38 || available < 2 || result.getScale() != lt.getScale() + rt.getScale()) {
            return wide;
        }
        int li = lt.getPrecision() - lt.getScale();
        int ri = rt.getPrecision() - rt.getScale();
        int rightDigits = Math.min(ri, Math.max(1, available / 2));
        int leftDigits = Math.min(li, available - rightDigits);
        rightDigits = Math.min(ri, available - leftDigits);
        var f = rexBuilder.getTypeFactory();
        RelDataType narrowL = f.createSqlType(SqlTypeName.DECIMAL, leftDigits + lt.getScale(), lt.getScale());
        RelDataType narrowR = f.createSqlType(SqlTypeName.DECIMAL, rightDigits + rt.getScale(), rt.getScale());
        MathExpr narrow = MathExpr.newBuilder().setLeft(narrowed(left, lt, narrowL)).setRight(narrowed(right, rt, narrowR))
                .setReturnType(type(result)).setEvalMode(EvalMode.ANSI).build();
        Expr product = Expr.newBuilder().setMultiply(narrow).build();
        RelDataType native_ = nativeDecimalType(SqlKind.TIMES, narrowL, narrowR);
        if (native_.getPrecision() != result.getPrecision() || native_.getScale() != result.getScale()) {
            product = cast(product, result);
        }
        // a NULL operand compares to NULL: not wide, so the narrow product gives the NULL
        Expr tooWide = or(outside(left, lt, leftDigits), outside(right, rt, rightDigits));
        return Expr.newBuilder().setCaseWhen(CaseWhen.newBuilder().addWhen(tooWide).addThen(wide).setElseExpr(product)).build();
    }

    /** {@code e} cast to the narrower {@code to}: NULL, never an error, for a value that does not fit (not computed for those rows). */
    private Expr narrowed(Expr e, RelDataType from, RelDataType to) {
        if (from.getPrecision() == to.getPrecision()) {
            return e;
        }
        return Expr.newBuilder().setCast(Cast.newBuilder().setChild(e).setDatatype(type(to)).setEvalMode(EvalMode.LEGACY)
                .setTimezone("UTC").setAllowIncompat(true)).build();
    }

    /** {@code e} (of decimal type {@code t}) has more than {@code digits} integer digits. */
    private Expr outside(Expr e, RelDataType t, int digits) {
        if (digits >= t.getPrecision() - t.getScale()) {
            return Expr.newBuilder().setLiteral(Literal.newBuilder().setDatatype(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.BOOL))
                    .setBoolVal(false)).build();
        }
        BigDecimal bound = BigDecimal.TEN.pow(digits).setScale(t.getScale());
        Expr high = decimalLiteral(bound, t);
        Expr low = decimalLiteral(bound.negate(), t);
        return or(Expr.newBuilder().setGtEq(BinaryExpr.newBuilder().setLeft(e).setRight(high)).build(),
                Expr.newBuilder().setLtEq(BinaryExpr.newBuilder().setLeft(e).setRight(low)).build());
    }

    private Expr decimalLiteral(BigDecimal value, RelDataType t) {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setDatatype(type(t))
                .setDecimalVal(ByteString.copyFrom(value.unscaledValue().toByteArray()))).build();
    }

    private static Expr or(Expr a, Expr b) {
        return Expr.newBuilder().setOr(BinaryExpr.newBuilder().setLeft(a).setRight(b)).build();
    }

    /**
     * A decimal result the native operator cannot hold (more than 38 digits) comes back NULL there; PostgreSQL's
     * numeric has no such limit, so here it is an error, never a NULL:
     * {@link io.rhei.olap.exec.NativeErrors#NUMERIC_OVERFLOW} where the result is NULL and neither operand is. Only
     * where the operand types let the result overflow: a check on every nested operation repeated the operands in
     * each (TPC-H Q1 ran 2.6 times slower).
     */
    private Expr overflowChecked(Expr result, Expr left, Expr right, boolean canOverflow, RexCall call) {
        if (!canOverflow) {
            return result;
        }
        Expr overflowed = isNull(result);
        if (call.getOperands().get(0).getType().isNullable()) {
            overflowed = and(overflowed, isNotNull(left));
        }
        if (call.getOperands().get(1).getType().isNullable()) {
            overflowed = and(overflowed, isNotNull(right));
        }
        return FunctionLowering.raisingWhen(overflowed, result, io.rhei.olap.exec.NativeErrors.NUMERIC_OVERFLOW + " (an operand: ", left);
    }

    /**
     * Whether the native operator can give NULL for operands of these types: the exact result, or the operator's own
     * 128-bit intermediate (at the operands' scales), may need more digits than it has.
     */
    private static boolean canOverflow(SqlKind kind, RelDataType l, RelDataType r, RelDataType result) {
        int resultIntDigits = result.getPrecision() - result.getScale();
        int li = l.getPrecision() - l.getScale();
        int ri = r.getPrecision() - r.getScale();
        return switch (kind) {
            case PLUS, MINUS -> Math.max(li, ri) + 1 > resultIntDigits;
            case TIMES -> li + ri > resultIntDigits || l.getPrecision() + r.getPrecision() > 38 || l.getScale() + r.getScale() > result.getScale();
            default -> true;
        };
    }

    private static Expr isNull(Expr e) {
        return Expr.newBuilder().setIsNull(org.apache.comet.serde.ExprOuterClass.UnaryExpr.newBuilder().setChild(e)).build();
    }

    private static Expr isNotNull(Expr e) {
        return Expr.newBuilder().setIsNotNull(org.apache.comet.serde.ExprOuterClass.UnaryExpr.newBuilder().setChild(e)).build();
    }

    private static Expr and(Expr a, Expr b) {
        return Expr.newBuilder().setAnd(BinaryExpr.newBuilder().setLeft(a).setRight(b)).build();
    }

    /** The decimal type of {@code t}'s integer digits at {@code scale} decimals. */
    private RelDataType rescaled(RelDataType t, int scale) {
        return rexBuilder.getTypeFactory().createSqlType(SqlTypeName.DECIMAL, Math.min(38, t.getPrecision() - t.getScale() + scale), scale);
    }

    /** An integer type as the decimal that holds all its values exactly; other types unchanged. */
    private RelDataType decimalOf(RelDataType t) {
        int digits = switch (t.getSqlTypeName()) {
            case TINYINT -> 3;
            case SMALLINT -> 5;
            case INTEGER -> 10;
            case BIGINT -> 19;
            default -> -1;
        };
        return digits < 0 ? t : rexBuilder.getTypeFactory().createSqlType(SqlTypeName.DECIMAL, digits, 0);
    }

    /** The type the native operator gives a decimal sum, difference or product: the type system derives the same. */
    private RelDataType nativeDecimalType(SqlKind kind, RelDataType l, RelDataType r) {
        var f = rexBuilder.getTypeFactory();
        return switch (kind) {
            case PLUS, MINUS -> f.getTypeSystem().deriveDecimalPlusType(f, l, r);
            case TIMES -> f.getTypeSystem().deriveDecimalMultiplyType(f, l, r);
            default -> null;
        };
    }

    private Expr asDecimal(RexNode operand) {
        RelDataType t = decimalOf(operand.getType());
        if (t.getSqlTypeName() != SqlTypeName.DECIMAL) {
            throw unsupported("decimal arithmetic with a " + t.getFullTypeString() + " operand (CAST it to numeric)");
        }
        return castIfNeeded(operand, t);
    }

    static boolean isIntegral(RelDataType t) {
        return switch (t.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> true;
            default -> false;
        };
    }

    Expr castIfNeeded(RexNode node, RelDataType to) {
        if (node.getType().getSqlTypeName() == SqlTypeName.NULL && to.getSqlTypeName() != SqlTypeName.NULL) {
            // an expression of the NULL type is NULL: as a NULL of the type wanted (the native cast has no NULL type)
            return Expr.newBuilder().setLiteral(Literal.newBuilder().setIsNull(true).setDatatype(type(to))).build();
        }
        Expr e = lower(node);
        if (node.getType().getSqlTypeName() == to.getSqlTypeName()
                && (to.getSqlTypeName() != SqlTypeName.DECIMAL
                || (node.getType().getPrecision() == to.getPrecision() && node.getType().getScale() == to.getScale()))) {
            return e;
        }
        if (node.getType().getSqlTypeName() == SqlTypeName.DATE && (to.getSqlTypeName() == SqlTypeName.TIMESTAMP
                || to.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
            return dateToTimestamp(e, to);
        }
        if (node instanceof RexLiteral lit && lit.isNull()) {
            return Expr.newBuilder().setLiteral(Literal.newBuilder().setIsNull(true).setDatatype(type(to))).build();
        }
        return cast(e, to);
    }

    /**
     * An explicit or implied CAST, with PostgreSQL's char(n) rules: to text drops the trailing blanks, to char(n)
     * pads (or cuts) to n characters.
     */
    private Expr nullOf(RelDataType t) {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setIsNull(true).setDatatype(type(t))).build();
    }

    private Expr castCall(RexNode operand, RelDataType to) {
        if (operand.getType().getSqlTypeName() == SqlTypeName.NULL) {
            return nullOf(to);
        }
        if (Bpchar.is(operand) && operand.getType().getSqlTypeName() == SqlTypeName.CHAR && isString(to)) {
            RexNode cast = rexBuilder.makeAbstractCast(to, operand, false);
            if (Bpchar.isImpliedVarcharCast(cast)) {
                return lower(operand); // Calcite's widening where char(n) meets another string: still bpchar, padding kept
            }
            if (to.getSqlTypeName() == SqlTypeName.VARCHAR) {
                return withoutTrailingBlanks(operand);
            }
        }
        if (to.getSqlTypeName() == SqlTypeName.CHAR && Bpchar.hasLength(to) && !RexUtil.isConstant(operand)
                && !(operand.getType().getSqlTypeName() == SqlTypeName.CHAR && operand.getType().getPrecision() == to.getPrecision())) {
            Expr text = isString(operand.getType()) ? lower(operand) : cast(lower(operand), rexBuilder.getTypeFactory().createSqlType(SqlTypeName.VARCHAR));
            Expr length = Expr.newBuilder().setLiteral(Literal.newBuilder().setIntVal(to.getPrecision())
                    .setDatatype(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.INT32))).build();
            return Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("rpad").addArgs(text).addArgs(length)
                    .setReturnType(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.STRING))).build();
        }
        if (operand instanceof RexLiteral text && !text.isNull() && isString(text.getType())
                && (to.getSqlTypeName() == SqlTypeName.TIMESTAMP || to.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
            // a constant read in Java with PostgreSQL's rules ('... +02' included): the native cast gives NULL for offsets
            boolean zoned = to.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
            Object v = io.rhei.olap.sql.ParameterValues.parseConstant(zoned ? io.rhei.core.schema.ColumnType.TIMESTAMPTZ
                    : io.rhei.core.schema.ColumnType.TIMESTAMP, Bpchar.stripTrailingBlanks(text.getValueAs(String.class)), sql);
            java.time.Instant at = zoned ? (java.time.Instant) v : ((java.time.LocalDateTime) v).toInstant(java.time.ZoneOffset.UTC);
            long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
            return Expr.newBuilder().setLiteral(Literal.newBuilder().setDatatype(type(to)).setLongVal(micros)).build();
        }
        if (isString(operand.getType()) && !(operand instanceof RexLiteral)
                && (to.getSqlTypeName() == SqlTypeName.TIMESTAMP || to.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
            // the native cast gives NULL for text with a zone offset or text PostgreSQL refuses: a wrong answer
            throw unsupported("a cast of text that is not a constant to " + (to.getSqlTypeName() == SqlTypeName.TIMESTAMP
                    ? "timestamp" : "timestamptz") + " (cast constants, or store the column as a timestamp)");
        }
        if (operand.getType().getSqlTypeName() == SqlTypeName.DATE && (to.getSqlTypeName() == SqlTypeName.TIMESTAMP
                || to.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
            return dateToTimestamp(lower(operand), to);
        }
        if (isIntegral(to) && !(operand instanceof RexLiteral)) {
            SqlTypeName from = operand.getType().getSqlTypeName();
            if (from == SqlTypeName.DECIMAL) {
                // numeric to integer rounds half away from zero (the native cast truncates)
                return cast(round(lower(operand), rexBuilder.getTypeFactory().createSqlType(SqlTypeName.DECIMAL,
                        Math.min(38, operand.getType().getPrecision() - operand.getType().getScale() + 1), 0)), to);
            }
            if (from == SqlTypeName.DOUBLE || from == SqlTypeName.REAL || from == SqlTypeName.FLOAT) {
                return cast(roundHalfEven(castIfNeeded(operand, doubleType())), to);
            }
        }
        SqlTypeName fromName = operand.getType().getSqlTypeName();
        if (fromName == to.getSqlTypeName() && (fromName == SqlTypeName.TIMESTAMP || fromName == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE
                || fromName == SqlTypeName.DATE || fromName == SqlTypeName.BOOLEAN || isIntegral(to))) {
            return lower(operand); // the same native type (timestamps are all microseconds): the native cast has no such path
        }
        return cast(lower(operand), to);
    }

    /**
     * Midnight of a date (in UTC for timestamptz). The native cast has no date-to-timestamp path: the date's epoch
     * seconds, as microseconds, make a timestamp without zone (to_timestamp_micros), relabelled for timestamptz.
     */
    private Expr dateToTimestamp(Expr date, RelDataType to) {
        var i64 = CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.INT64);
        Expr seconds = Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("date_part").addArgs(stringLiteral("epoch")).addArgs(date)
                .setReturnType(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.DOUBLE))).build();
        Expr wholeSeconds = Expr.newBuilder().setCast(Cast.newBuilder().setChild(seconds).setDatatype(i64)
                .setEvalMode(EvalMode.LEGACY).setTimezone("UTC").setAllowIncompat(true)).build();
        Expr micros = Expr.newBuilder().setMultiply(MathExpr.newBuilder().setLeft(wholeSeconds).setRight(intLiteral(1_000_000))
                .setReturnType(i64).setEvalMode(EvalMode.ANSI)).build();
        RelDataType ntz = rexBuilder.getTypeFactory().createSqlType(SqlTypeName.TIMESTAMP, 6);
        Expr timestamp = Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("to_timestamp_micros").addArgs(micros)
                .setReturnType(type(ntz))).build();
        return to.getSqlTypeName() == SqlTypeName.TIMESTAMP ? timestamp : cast(timestamp, to);
    }


    private RelDataType doubleType() {
        return rexBuilder.getTypeFactory().createSqlType(SqlTypeName.DOUBLE);
    }

    /** round(x) of a decimal to 0 decimals, half away from zero, typed {@code type}. */
    private Expr round(Expr x, RelDataType type) {
        return Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("round").addArgs(x).addArgs(intLiteral(0))
                .setReturnType(type(type))).build();
    }

    /**
     * PostgreSQL's rounding of a double to an integer value: to the nearest, ties to even (rint). Built from trunc
     * alone ({@code x - trunc(x)} is exact), as the native round of a double differs between releases (1.x has none).
     * Infinities and NaN come out as they went in.
     */
    Expr roundHalfEven(Expr x) {
        RelDataType dbl = doubleType();
        Expr truncated = Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("trunc").addArgs(x).setReturnType(type(dbl))).build();
        Expr fraction = Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("abs").addArgs(
                doubleMath(x, truncated, false)).setReturnType(type(dbl))).build();
        Expr half = doubleLiteral(0.5);
        Expr awayFromZero = Expr.newBuilder().setCaseWhen(CaseWhen.newBuilder()
                .addWhen(Expr.newBuilder().setGt(BinaryExpr.newBuilder().setLeft(x).setRight(doubleLiteral(0))))
                .addThen(doubleMath(truncated, doubleLiteral(1), true))
                .setElseExpr(doubleMath(truncated, doubleLiteral(-1), true))).build();
        // trunc(x) is even when its half has no fraction
        Expr halfOfTruncated = Expr.newBuilder().setMultiply(MathExpr.newBuilder().setLeft(truncated).setRight(half)
                .setReturnType(type(dbl)).setEvalMode(EvalMode.LEGACY)).build();
        Expr truncatedIsEven = Expr.newBuilder().setEq(BinaryExpr.newBuilder().setLeft(Expr.newBuilder().setScalarFunc(
                ScalarFunc.newBuilder().setFunc("trunc").addArgs(halfOfTruncated).setReturnType(type(dbl)))).setRight(halfOfTruncated)).build();
        return Expr.newBuilder().setCaseWhen(CaseWhen.newBuilder()
                .addWhen(Expr.newBuilder().setLt(BinaryExpr.newBuilder().setLeft(fraction).setRight(half))).addThen(truncated)
                .addWhen(Expr.newBuilder().setGt(BinaryExpr.newBuilder().setLeft(fraction).setRight(half))).addThen(awayFromZero)
                .addWhen(truncatedIsEven).addThen(truncated)
                .setElseExpr(awayFromZero)).build();
    }

    /** {@code a + b} (or {@code a - b}) over doubles. */
    private Expr doubleMath(Expr a, Expr b, boolean add) {
        MathExpr m = MathExpr.newBuilder().setLeft(a).setRight(b).setReturnType(type(doubleType())).setEvalMode(EvalMode.LEGACY).build();
        return add ? Expr.newBuilder().setAdd(m).build() : Expr.newBuilder().setSubtract(m).build();
    }

    private Expr doubleLiteral(double v) {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setDoubleVal(v).setDatatype(type(doubleType()))).build();
    }

    static Expr intLiteral(long v) {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setLongVal(v)
                .setDatatype(CometTypes.id(org.apache.comet.serde.Types.DataType.DataTypeId.INT64))).build();
    }

    Expr cast(Expr child, RelDataType to) {
        return Expr.newBuilder().setCast(Cast.newBuilder().setChild(child).setDatatype(type(to)).setEvalMode(EvalMode.ANSI)
                .setTimezone("UTC").setAllowIncompat(true)).build();
    }
}
