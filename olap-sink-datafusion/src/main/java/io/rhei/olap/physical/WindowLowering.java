package io.rhei.olap.physical;


import io.rhei.olap.UnsupportedSqlException;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.comet.serde.ExprOuterClass.AggExpr;
import org.apache.comet.serde.ExprOuterClass.Count;
import org.apache.comet.serde.ExprOuterClass.EvalMode;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.Max;
import org.apache.comet.serde.ExprOuterClass.Min;
import org.apache.comet.serde.ExprOuterClass.NullOrdering;
import org.apache.comet.serde.ExprOuterClass.SortDirection;
import org.apache.comet.serde.ExprOuterClass.SortOrder;
import org.apache.comet.serde.ExprOuterClass.Sum;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Projection;
import org.apache.comet.serde.Types.DataType;
import org.apache.comet.serde.Types.DataType.DataTypeId;

import java.util.ArrayList;
import java.util.List;

/**
 * Lowers Calcite's window operator: the part of {@link PlanLowering} for window functions, over its lowering context.
 */
final class WindowLowering {
    private final PlanLowering plan;

    WindowLowering(PlanLowering plan) {
        this.plan = plan;
    }

    /**
     * Window aggregates: per window group, a sort by partition and order keys, then the native window operator
     * (DataFusion's bounded window aggregation, which appends one column per function). ROW_NUMBER is COUNT(*)
     * over ROWS UNBOUNDED PRECEDING .. CURRENT ROW; AVG is SUM / COUNT in a projection on top.
     */
    Operator window(org.apache.calcite.rel.core.Window w) {
        Operator current = plan.lower(w.getInput());
        List<RelDataTypeField> in = w.getInput().getRowType().getFieldList();
        List<RelDataType> types = new ArrayList<>();
        in.forEach(f -> types.add(f.getType()));
        int inputCount = in.size();
        List<Expr> results = new ArrayList<>();
        for (int i = 0; i < inputCount; i++) {
            results.add(PlanLowering.bound(i, types.get(i)));
        }
        boolean needsProjection = false;
        for (org.apache.calcite.rel.core.Window.Group group : w.groups) {
            org.apache.comet.serde.OperatorOuterClass.Sort.Builder sort = org.apache.comet.serde.OperatorOuterClass.Sort.newBuilder();
            org.apache.comet.serde.OperatorOuterClass.Window.Builder wb = org.apache.comet.serde.OperatorOuterClass.Window.newBuilder();
            List<Expr> partition = new ArrayList<>();
            for (int k : group.keys) {
                Expr key = PlanLowering.bound(k, types.get(k));
                partition.add(key);
                sort.addSortOrders(sortOrder(key, false, true));
                wb.addPartitionByList(key);
            }
            List<Expr> orders = new ArrayList<>();
            for (RelFieldCollation c : group.orderKeys.getFieldCollations()) {
                Expr o = sortOrder(c, types.get(c.getFieldIndex()));
                orders.add(o);
                sort.addSortOrders(o);
                wb.addOrderByList(o);
            }
            if (partition.isEmpty() && orders.isEmpty()) {
                // OVER (): one partition of every row (the native window needs a key to partition or sort by)
                partition.add(PlanLowering.one());
                wb.addPartitionByList(PlanLowering.one());
                sort.addSortOrders(sortOrder(PlanLowering.one(), false, true));
            }
            current = plan.op(current).setSort(sort).build();
            org.apache.comet.serde.OperatorOuterClass.WindowFrame frame = frame(w, group);
            for (org.apache.calcite.rel.core.Window.RexWinAggCall call : group.aggCalls) {
                String fn = call.getOperator().getName().toUpperCase(java.util.Locale.ROOT);
                List<Expr> args = new ArrayList<>();
                List<RelDataType> argTypes = new ArrayList<>();
                List<RexLiteral> constants = new ArrayList<>(); // per operand: its value when it is a constant
                for (RexNode operand : call.getOperands()) {
                    RexLiteral constant = windowConstant(w, operand, inputCount);
                    constants.add(constant);
                    if (constant != null) {
                        args.add(plan.rex.lower(constant));
                        argTypes.add(constant.getType());
                        continue;
                    }
                    if (!(operand instanceof RexInputRef ref) || ref.getIndex() >= inputCount) {
                        throw new UnsupportedSqlException(plan.sql, "window function " + fn + " over an expression");
                    }
                    args.add(PlanLowering.bound(ref.getIndex(), types.get(ref.getIndex())));
                    argTypes.add(types.get(ref.getIndex()));
                }
                switch (fn) {
                    case "ROW_NUMBER" -> {
                        wb.addWindowExpr(windowExpr(AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(PlanLowering.one())).build(),
                                partition, orders, WindowFrames.rows(null, 0L)));
                        results.add(PlanLowering.bound(types.size(), call.getType()));
                        types.add(call.getType());
                    }
                    case "RANK" -> {
                        // rows up to and including the current peer group, minus the peer group, plus one
                        AggExpr countAll = AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(PlanLowering.one())).build();
                        wb.addWindowExpr(windowExpr(countAll, partition, orders, rangeFrame(false)));
                        int upTo = types.size();
                        types.add(plan.rexBuilder.getTypeFactory().createSqlType(SqlTypeName.BIGINT));
                        wb.addWindowExpr(windowExpr(countAll, partition, orders, rangeFrame(true)));
                        int peers = types.size();
                        types.add(plan.rexBuilder.getTypeFactory().createSqlType(SqlTypeName.BIGINT));
                        DataType i64 = CometTypes.id(DataTypeId.INT64);
                        Expr diff = Expr.newBuilder().setSubtract(org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder()
                                .setLeft(PlanLowering.bound(upTo, types.get(upTo))).setRight(PlanLowering.bound(peers, types.get(peers))).setReturnType(i64)
                                .setEvalMode(EvalMode.ANSI)).build();
                        Expr rank = Expr.newBuilder().setAdd(org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder()
                                .setLeft(diff).setRight(PlanLowering.castExpr(PlanLowering.one(), i64)).setReturnType(i64).setEvalMode(EvalMode.ANSI)).build();
                        results.add(PlanLowering.castExpr(rank, CometTypes.of(call.getType())));
                        needsProjection = true;
                    }
                    case "COUNT", "SUM", "$SUM0", "MIN", "MAX" -> {
                        AggExpr agg = switch (fn) {
                            case "COUNT" -> AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(args.isEmpty() ? PlanLowering.one() : args.get(0))).build();
                            case "MIN" -> AggExpr.newBuilder().setMin(Min.newBuilder().setChild(args.get(0)).setDatatype(CometTypes.of(call.getType()))).build();
                            case "MAX" -> AggExpr.newBuilder().setMax(Max.newBuilder().setChild(args.get(0)).setDatatype(CometTypes.of(call.getType()))).build();
                            default -> AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(plan.castTo(args.get(0), argTypes.get(0), call.getType()))
                                    .setDatatype(CometTypes.of(call.getType()))).build();
                        };
                        wb.addWindowExpr(windowExpr(agg, partition, orders, frame));
                        Expr out = PlanLowering.bound(types.size(), call.getType());
                        if (fn.equals("$SUM0")) { // SUM over an empty frame is 0, not NULL
                            out = PlanLowering.zeroIfNull(out, call.getType());
                            needsProjection = true;
                        }
                        results.add(out);
                        types.add(call.getType());
                    }
                    case "AVG" -> {
                        RelDataType sumType = plan.rexBuilder.getTypeFactory().getTypeSystem().deriveSumType(plan.rexBuilder.getTypeFactory(), argTypes.get(0));
                        wb.addWindowExpr(windowExpr(AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(plan.castTo(args.get(0), argTypes.get(0), sumType))
                                .setDatatype(CometTypes.of(sumType))).build(), partition, orders, frame));
                        int sumAt = types.size();
                        types.add(sumType);
                        wb.addWindowExpr(windowExpr(AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(args.get(0))).build(),
                                partition, orders, frame));
                        int countAt = types.size();
                        types.add(plan.rexBuilder.getTypeFactory().createSqlType(SqlTypeName.BIGINT));
                        if (call.getType().getSqlTypeName() == SqlTypeName.DECIMAL) {
                            // numeric (and integer) averages exact, as PostgreSQL gives them
                            results.add(new AggregateLowering(plan).decimalAverage(sumAt, sumAt + 1, CometTypes.of(sumType), call.getType()));
                        } else {
                            DataType dbl = CometTypes.id(DataTypeId.DOUBLE);
                            Expr quotient = Expr.newBuilder().setDivide(org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder()
                                    .setLeft(PlanLowering.castExpr(PlanLowering.bound(sumAt, sumType), dbl)).setRight(PlanLowering.castExpr(PlanLowering.bound(countAt, types.get(countAt)), dbl))
                                    .setReturnType(dbl).setEvalMode(EvalMode.LEGACY)).build();
                            results.add(PlanLowering.castExpr(quotient, CometTypes.of(call.getType())));
                        }
                        needsProjection = true;
                    }
                    case "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE" -> {
                        List<Expr> fargs = new ArrayList<>(List.of(args.get(0)));
                        if (fn.equals("NTH_VALUE")) {
                            fargs.add(longLiteral(constantLong(constants.get(1), fn)));
                        }
                        wb.addWindowExpr(windowFunction(fn.toLowerCase(java.util.Locale.ROOT), fargs, partition, orders, frame));
                        results.add(plan.castTo(PlanLowering.bound(types.size(), argTypes.get(0)), argTypes.get(0), call.getType()));
                        types.add(argTypes.get(0));
                        needsProjection = true;
                    }
                    case "NTILE", "PERCENT_RANK", "CUME_DIST" -> {
                        RelDataType bigint = plan.rexBuilder.getTypeFactory().createSqlType(SqlTypeName.BIGINT);
                        AggExpr countAll = AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(PlanLowering.one())).build();
                        wb.addWindowExpr(windowExpr(countAll, partition, orders, WindowFrames.wholePartition()));
                        int totalAt = types.size();
                        types.add(bigint);
                        Expr total = PlanLowering.bound(totalAt, bigint);
                        if (fn.equals("NTILE")) {
                            wb.addWindowExpr(windowExpr(countAll, partition, orders, WindowFrames.rows(null, 0L)));
                            Expr r = PlanLowering.bound(types.size(), bigint);
                            types.add(bigint);
                            results.add(PlanLowering.castExpr(ntile(r, total, constantLong(constants.get(0), fn)), CometTypes.of(call.getType())));
                        } else {
                            // PERCENT_RANK: (rank - 1) / (rows - 1); CUME_DIST: rows up to the current peer group / rows
                            wb.addWindowExpr(windowExpr(countAll, partition, orders, rangeFrame(false)));
                            int upTo = types.size();
                            types.add(bigint);
                            Expr numerator;
                            Expr denominator;
                            if (fn.equals("CUME_DIST")) {
                                numerator = PlanLowering.bound(upTo, bigint);
                                denominator = total;
                            } else {
                                wb.addWindowExpr(windowExpr(countAll, partition, orders, rangeFrame(true)));
                                int peers = types.size();
                                types.add(bigint);
                                numerator = arithmetic("subtract", PlanLowering.bound(upTo, bigint), PlanLowering.bound(peers, bigint)); // rank - 1
                                denominator = arithmetic("subtract", total, longLiteral(1));
                            }
                            DataType dbl = CometTypes.id(DataTypeId.DOUBLE);
                            Expr quotient = Expr.newBuilder().setDivide(org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder()
                                    .setLeft(PlanLowering.castExpr(numerator, dbl)).setRight(PlanLowering.castExpr(denominator, dbl)).setReturnType(dbl)
                                    .setEvalMode(EvalMode.LEGACY)).build();
                            Expr single = Expr.newBuilder().setEq(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder()
                                    .setLeft(total).setRight(longLiteral(1))).build();
                            Expr zeroD = Expr.newBuilder().setLiteral(Literal.newBuilder().setDoubleVal(fn.equals("CUME_DIST") ? 1 : 0).setDatatype(dbl)).build();
                            results.add(PlanLowering.castExpr(Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder()
                                    .addWhen(single).addThen(zeroD).setElseExpr(quotient)).build(), CometTypes.of(call.getType())));
                        }
                        needsProjection = true;
                    }
                    default -> throw new UnsupportedSqlException(plan.sql, "window function " + fn
                            + " (supported over windows: ROW_NUMBER, RANK, NTILE, PERCENT_RANK, CUME_DIST, FIRST_VALUE,"
                            + " LAST_VALUE, NTH_VALUE, COUNT, SUM, MIN, MAX, AVG)");
                }
            }
            current = plan.op(current).setWindow(wb).build();
        }
        if (!needsProjection) {
            return current;
        }
        Projection.Builder pb = Projection.newBuilder();
        results.forEach(pb::addProjectList);
        return plan.op(current).setProjection(pb).build();
    }

    /** A sort key; NULLs sort as in PostgreSQL unless the query says otherwise: last ascending, first descending. */
    static Expr sortOrder(RelFieldCollation c, RelDataType type) {
        boolean desc = c.getDirection().isDescending();
        boolean nullsFirst = c.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED ? desc
                : c.nullDirection == RelFieldCollation.NullDirection.FIRST;
        return sortOrder(PlanLowering.bound(c.getFieldIndex(), type), desc, nullsFirst);
    }

    private static Expr sortOrder(Expr child, boolean desc, boolean nullsFirst) {
        return Expr.newBuilder().setSortOrder(SortOrder.newBuilder().setChild(child)
                .setDirection(desc ? SortDirection.Descending : SortDirection.Ascending)
                .setNullOrdering(nullsFirst ? NullOrdering.NullsFirst : NullOrdering.NullsLast)).build();
    }

    /** An operand of a window function that is a constant: a literal or one of the window's constants; else null. */
    private static RexLiteral windowConstant(org.apache.calcite.rel.core.Window w, RexNode operand, int inputCount) {
        if (operand instanceof RexLiteral l) {
            return l;
        }
        if (operand instanceof RexInputRef ref && ref.getIndex() >= inputCount && ref.getIndex() - inputCount < w.constants.size()) {
            return w.constants.get(ref.getIndex() - inputCount);
        }
        return null;
    }

    private long constantLong(RexLiteral constant, String fn) {
        if (constant == null || constant.isNull()) {
            throw new UnsupportedSqlException(plan.sql, "window function " + fn + " with an offset or count that is not a constant");
        }
        return constant.getValueAs(Long.class);
    }

    private static Expr longLiteral(long v) {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setLongVal(v).setDatatype(CometTypes.id(DataTypeId.INT64))).build();
    }

    private static Expr arithmetic(String op, Expr l, Expr r) {
        var m = org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder().setLeft(l).setRight(r)
                .setReturnType(CometTypes.id(DataTypeId.INT64)).setEvalMode(EvalMode.ANSI);
        return switch (op) {
            case "add" -> Expr.newBuilder().setAdd(m).build();
            case "subtract" -> Expr.newBuilder().setSubtract(m).build();
            case "multiply" -> Expr.newBuilder().setMultiply(m).build();
            default -> Expr.newBuilder().setIntegralDivide(m).build();
        };
    }

    /**
     * PostgreSQL's NTILE(n) from row number r and partition size c: the first c mod n buckets hold one row more.
     * With q = c / n and b = (c mod n)(q + 1): r <= b gives (r - 1) / (q + 1) + 1, else (r - b - 1) / q + c mod n + 1.
     */
    private Expr ntile(Expr r, Expr c, long n) {
        if (n <= 0) {
            throw new UnsupportedSqlException(plan.sql, "NTILE with a bucket count below 1");
        }
        Expr q = arithmetic("divide", c, longLiteral(n));
        Expr rem = Expr.newBuilder().setRemainder(org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder().setLeft(c).setRight(longLiteral(n))
                .setReturnType(CometTypes.id(DataTypeId.INT64)).setEvalMode(EvalMode.ANSI)).build();
        Expr qPlus1 = arithmetic("add", q, longLiteral(1));
        Expr boundary = arithmetic("multiply", rem, qPlus1);
        Expr rMinus1 = arithmetic("subtract", r, longLiteral(1));
        Expr inLarge = arithmetic("add", arithmetic("divide", rMinus1, qPlus1), longLiteral(1));
        Expr inSmall = arithmetic("add", arithmetic("add", arithmetic("divide", arithmetic("subtract", rMinus1, boundary), q), rem), longLiteral(1));
        Expr isLarge = Expr.newBuilder().setLtEq(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder().setLeft(r).setRight(boundary)).build();
        return Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(isLarge).addThen(inLarge)
                .setElseExpr(inSmall)).build();
    }

    /** A DataFusion aggregate function by name as a window function (first_value, last_value, nth_value). */
    private static org.apache.comet.serde.OperatorOuterClass.WindowExpr windowFunction(String name, List<Expr> args, List<Expr> partition,
            List<Expr> orders, org.apache.comet.serde.OperatorOuterClass.WindowFrame frame) {
        org.apache.comet.serde.ExprOuterClass.ScalarFunc.Builder f = org.apache.comet.serde.ExprOuterClass.ScalarFunc.newBuilder().setFunc(name);
        args.forEach(f::addArgs);
        return org.apache.comet.serde.OperatorOuterClass.WindowExpr.newBuilder()
                .setBuiltInWindowFunction(Expr.newBuilder().setScalarFunc(f))
                .setSpec(org.apache.comet.serde.OperatorOuterClass.WindowSpecDefinition.newBuilder().addAllPartitionSpec(partition)
                        .addAllOrderSpec(orders).setFrameSpecification(frame)).build();
    }

    private static org.apache.comet.serde.OperatorOuterClass.WindowExpr windowExpr(AggExpr agg, List<Expr> partition, List<Expr> orders,
                                                                                 org.apache.comet.serde.OperatorOuterClass.WindowFrame frame) {
        return org.apache.comet.serde.OperatorOuterClass.WindowExpr.newBuilder().setAggFunc(agg)
                .setSpec(org.apache.comet.serde.OperatorOuterClass.WindowSpecDefinition.newBuilder().addAllPartitionSpec(partition)
                        .addAllOrderSpec(orders).setFrameSpecification(frame)).build();
    }

    /** RANGE frame ending at the current row's last peer: from the partition start, or from its first peer. */
    private static org.apache.comet.serde.OperatorOuterClass.WindowFrame rangeFrame(boolean peersOnly) {
        var lower = org.apache.comet.serde.OperatorOuterClass.LowerWindowFrameBound.newBuilder();
        if (peersOnly) {
            lower.setCurrentRow(org.apache.comet.serde.OperatorOuterClass.CurrentRow.getDefaultInstance());
        } else {
            lower.setUnboundedPreceding(org.apache.comet.serde.OperatorOuterClass.UnboundedPreceding.getDefaultInstance());
        }
        return org.apache.comet.serde.OperatorOuterClass.WindowFrame.newBuilder()
                .setFrameType(org.apache.comet.serde.OperatorOuterClass.WindowFrameType.Range)
                .setLowerBound(lower)
                .setUpperBound(org.apache.comet.serde.OperatorOuterClass.UpperWindowFrameBound.newBuilder()
                        .setCurrentRow(org.apache.comet.serde.OperatorOuterClass.CurrentRow.getDefaultInstance()))
                .build();
    }

    /** A frame offset: a literal, or a reference to one of the window's constants. */
    private Long offset(org.apache.calcite.rel.core.Window w, RexNode offset) {
        if (offset instanceof RexLiteral l) {
            return l.getValueAs(Long.class);
        }
        if (offset instanceof RexInputRef ref) {
            int c = ref.getIndex() - w.getInput().getRowType().getFieldCount();
            if (c >= 0 && c < w.constants.size()) {
                return w.constants.get(c).getValueAs(Long.class);
            }
        }
        return null;
    }

    private org.apache.comet.serde.OperatorOuterClass.WindowFrame frame(org.apache.calcite.rel.core.Window w,
                                                                       org.apache.calcite.rel.core.Window.Group g) {
        var lower = org.apache.comet.serde.OperatorOuterClass.LowerWindowFrameBound.newBuilder();
        var upper = org.apache.comet.serde.OperatorOuterClass.UpperWindowFrameBound.newBuilder();
        if (!g.isRows && (!g.lowerBound.isUnbounded() && !g.lowerBound.isCurrentRow()
                || !g.upperBound.isUnbounded() && !g.upperBound.isCurrentRow())) {
            throw new UnsupportedSqlException(plan.sql, "RANGE window frames with an offset (use ROWS)");
        }
        if (g.lowerBound.isUnbounded() && g.lowerBound.isPreceding()) {
            lower.setUnboundedPreceding(org.apache.comet.serde.OperatorOuterClass.UnboundedPreceding.getDefaultInstance());
        } else if (g.lowerBound.isCurrentRow()) {
            lower.setCurrentRow(org.apache.comet.serde.OperatorOuterClass.CurrentRow.getDefaultInstance());
        } else if (g.lowerBound.isPreceding() && offset(w, g.lowerBound.getOffset()) != null) {
            lower.setPreceding(org.apache.comet.serde.OperatorOuterClass.Preceding.newBuilder().setOffset(offset(w, g.lowerBound.getOffset())));
        } else {
            throw new UnsupportedSqlException(plan.sql, "window frame starting at " + g.lowerBound);
        }
        if (g.upperBound.isUnbounded() && g.upperBound.isFollowing()) {
            upper.setUnboundedFollowing(org.apache.comet.serde.OperatorOuterClass.UnboundedFollowing.getDefaultInstance());
        } else if (g.upperBound.isCurrentRow()) {
            upper.setCurrentRow(org.apache.comet.serde.OperatorOuterClass.CurrentRow.getDefaultInstance());
        } else if (g.upperBound.isFollowing() && offset(w, g.upperBound.getOffset()) != null) {
            upper.setFollowing(org.apache.comet.serde.OperatorOuterClass.Following.newBuilder().setOffset(offset(w, g.upperBound.getOffset())));
        } else {
            throw new UnsupportedSqlException(plan.sql, "window frame ending at " + g.upperBound);
        }
        return org.apache.comet.serde.OperatorOuterClass.WindowFrame.newBuilder()
                .setFrameType(g.isRows ? org.apache.comet.serde.OperatorOuterClass.WindowFrameType.Rows
                        : org.apache.comet.serde.OperatorOuterClass.WindowFrameType.Range)
                .setLowerBound(lower).setUpperBound(upper).build();
    }
}
