package io.rhei.olap.physical;


import io.rhei.olap.UnsupportedSqlException;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.comet.serde.ExprOuterClass.AggExpr;
import org.apache.comet.serde.ExprOuterClass.Avg;
import org.apache.comet.serde.ExprOuterClass.BoundReference;
import org.apache.comet.serde.ExprOuterClass.Count;
import org.apache.comet.serde.ExprOuterClass.EvalMode;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.Max;
import org.apache.comet.serde.ExprOuterClass.Min;
import org.apache.comet.serde.ExprOuterClass.StatisticsType;
import org.apache.comet.serde.ExprOuterClass.Stddev;
import org.apache.comet.serde.ExprOuterClass.Sum;
import org.apache.comet.serde.ExprOuterClass.UnboundReference;
import org.apache.comet.serde.ExprOuterClass.Variance;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.OperatorOuterClass.AggregateMode;
import org.apache.comet.serde.OperatorOuterClass.HashAggregate;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Projection;
import org.apache.comet.serde.OperatorOuterClass.Scan;
import org.apache.comet.serde.Types.DataType;
import org.apache.comet.serde.Types.DataType.DataTypeId;

import java.util.ArrayList;
import java.util.List;

/**
 * Lowers Calcite's aggregate: two-phase native hash aggregation, decimal averages as sum and count, and aggregations
 * split into shares over the largest table. The part of {@link PlanLowering} for aggregates, over its lowering context.
 */
final class AggregateLowering {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AggregateLowering.class);
    private final PlanLowering plan;
    private final ParallelShares shares;

    AggregateLowering(PlanLowering plan) {
        this.plan = plan;
        this.shares = new ParallelShares(plan);
    }

    /**
     * What lowering one aggregate's calls needs to know about that aggregate. Passed down rather than kept in a
     * field: lowering the input first may lower a nested aggregate, whose facts must not leak into this one.
     */
    private record AggregateFacts(List<RelDataTypeField> input, boolean singleRowPerGroup) {
    }

    Operator aggregate(Aggregate a) {
        Double maxRows = a.getCluster().getMetadataQuery().getMaxRowCount(a.getInput());
        boolean singleRowPerGroup = a.getGroupCount() == 0 && maxRows != null && maxRows <= 1;
        if (a.getGroupType() != Aggregate.Group.SIMPLE) {
            throw new UnsupportedSqlException(plan.sql, "GROUPING SETS / ROLLUP / CUBE");
        }
        TableScan splitTarget = plan.sharesAllowed() ? shares.splitTarget(a.getInput()) : null;
        KeyRangeShares.Partition byRange = plan.sharesAllowed() ? KeyRangeShares.find(plan, a, splitTarget).orElse(null) : null;
        int scansBefore = plan.scans.size();
        Operator child;
        KeyRangeShares.Partition outer = plan.keyShares;
        plan.keyShares = byRange != null ? byRange : outer;
        try {
            child = plan.lower(a.getInput());
        } finally {
            plan.keyShares = outer;
        }
        List<RelDataTypeField> in = a.getInput().getRowType().getFieldList();
        AggregateFacts facts = new AggregateFacts(in, singleRowPerGroup);
        List<Integer> groups = a.getGroupSet().asList();
        NativeAggregates aggs = new NativeAggregates(groups.size());
        var tf = plan.rexBuilder.getTypeFactory();
        // the native group keys (a char(1) column's is its code point) and the group columns of the result
        List<RelDataType> keyTypes = new ArrayList<>();
        List<Expr> results = new ArrayList<>();
        boolean needsProjection = false;
        for (int k = 0; k < groups.size(); k++) {
            RelDataType t = in.get(groups.get(k)).getType();
            Expr key = PlanLowering.bound(groups.get(k), t);
            if (CharGroupKeys.applies(a, groups.get(k))) {
                RelDataType code = tf.createTypeWithNullability(tf.createSqlType(SqlTypeName.INTEGER), t.isNullable());
                aggs.partial.addGroupingExprs(CharGroupKeys.codePoint(key));
                aggs.fin.addGroupingExprs(PlanLowering.bound(k, code));
                keyTypes.add(code);
                results.add(CharGroupKeys.character(PlanLowering.bound(k, code)));
                needsProjection = true;
            } else {
                aggs.partial.addGroupingExprs(key);
                aggs.fin.addGroupingExprs(PlanLowering.bound(k, t));
                keyTypes.add(t);
                results.add(PlanLowering.bound(k, t));
            }
        }
        // AVG of a decimal runs as SUM and COUNT, divided afterwards at PostgreSQL's scale (the native AVG
        // fixes its result scale at s+4); every other call maps to one native aggregate.
        int g = groups.size();
        int i = 0;
        for (AggregateCall call : a.getAggCallList()) {
            if (call.isDistinct()) {
                throw new UnsupportedSqlException(plan.sql, "DISTINCT inside an aggregate (" + call + ")");
            }
            Expr arg = call.getArgList().isEmpty() ? null : PlanLowering.bound(call.getArgList().get(0), in.get(call.getArgList().get(0)).getType());
            RelDataType argType = call.getArgList().isEmpty() ? null : in.get(call.getArgList().get(0)).getType();
            if (call.filterArg >= 0 && argType != null && (argType.getSqlTypeName() == SqlTypeName.TIMESTAMP
                    || argType.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
                throw new UnsupportedSqlException(plan.sql, "FILTER on an aggregate of a timestamp (the native CASE over timestamps fails)");
            }
            if (call.filterArg >= 0) {
                // agg(x) FILTER (WHERE p) is agg(CASE WHEN p THEN x END): every aggregate lowered here skips NULLs
                Expr keep = filterHolds(call, in);
                Expr value = arg != null ? arg : PlanLowering.one();
                // no ELSE: NULL of the value's type (a NULL timestamp literal would need a zone)
                arg = Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(keep).addThen(value)).build();
                argType = tf.createTypeWithNullability(argType != null ? argType : tf.createSqlType(SqlTypeName.INTEGER), true);
            }
            Expr finalArg = argType == null ? null : Expr.newBuilder().setUnbound(UnboundReference.newBuilder()
                    .setName("a" + i).setDatatype(CometTypes.of(argType))).build();
            if (!SUPPORTED_AGGREGATES.contains(call.getAggregation().getKind())) {
                throw new UnsupportedSqlException(plan.sql, "aggregate function " + sqlName(call.getAggregation().getName()));
            }
            if (call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.AVG && argType != null && RexLowering.isIntegral(argType)) {
                // AVG of integers is numeric (PostgreSQL): the sum and count of the values as decimal(19, 0)
                RelDataType asDecimal = tf.createTypeWithNullability(tf.createSqlType(SqlTypeName.DECIMAL, 19, 0), argType.isNullable());
                arg = PlanLowering.castExpr(arg, CometTypes.of(asDecimal));
                argType = asDecimal;
                finalArg = Expr.newBuilder().setUnbound(UnboundReference.newBuilder().setName("a" + i).setDatatype(CometTypes.of(argType))).build();
            }
            if (call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.AVG && argType.getSqlTypeName() == SqlTypeName.DECIMAL) {
                RelDataType sumRelType = decimalSumType(argType);
                DataType sumType = CometTypes.of(sumRelType);
                int sum = aggs.add(AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(arg).setDatatype(sumType).setFailOnError(true)).build(),
                        AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(finalArg).setDatatype(sumType).setFailOnError(true)).build(),
                        sumRelType, org.apache.calcite.sql.SqlKind.SUM);
                int count = aggs.add(count(arg, argType), AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(finalArg)).build(),
                        tf.createSqlType(SqlTypeName.BIGINT), org.apache.calcite.sql.SqlKind.SUM);
                results.add(decimalAverage(sum, count, sumType, call.getType()));
                needsProjection = true;
                if (DecimalSumGuard.needed(argType, sumRelType)) {
                    guardSum(arg, finalArg, argType, i, sum, sumRelType, g > 0, aggs, results);
                }
            } else if (call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.SINGLE_VALUE && !facts.singleRowPerGroup()) {
                // A scalar subquery the planner cannot prove single-row: its value, and its row count to raise
                // PostgreSQL's error when it has more than one row (MAX alone would pick one silently).
                DataType valueType = CometTypes.of(call.getType());
                int value = aggs.add(AggExpr.newBuilder().setMax(Max.newBuilder().setChild(arg).setDatatype(valueType)).build(),
                        AggExpr.newBuilder().setMax(Max.newBuilder().setChild(finalArg).setDatatype(valueType)).build(),
                        call.getType(), org.apache.calcite.sql.SqlKind.MAX);
                int rows = aggs.add(countRows(),
                        AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(finalArg)).build(),
                        tf.createSqlType(SqlTypeName.BIGINT), org.apache.calcite.sql.SqlKind.SUM);
                results.add(singleValue(value, rows, call.getType()));
                needsProjection = true;
            } else {
                org.apache.calcite.sql.SqlKind kind = call.getAggregation().getKind();
                org.apache.calcite.sql.SqlKind merge = switch (kind) {
                    case COUNT, SUM -> org.apache.calcite.sql.SqlKind.SUM;
                    case MIN -> org.apache.calcite.sql.SqlKind.MIN;
                    case MAX, LITERAL_AGG, SINGLE_VALUE -> org.apache.calcite.sql.SqlKind.MAX;
                    default -> null; // AVG of a float, STDDEV, VARIANCE: results of shares do not merge
                };
                RelDataType partType = computedInDouble(call)
                        ? tf.createTypeWithNullability(tf.createSqlType(SqlTypeName.DOUBLE), true) : call.getType();
                int slot = aggs.add(aggExpr(call, arg, argType, facts), aggExpr(call, finalArg, argType, facts), partType, merge);
                if (kind == org.apache.calcite.sql.SqlKind.SUM0) {
                    // $SUM0 (a COUNT split by distinct aggregates) is 0 where SUM is NULL
                    results.add(PlanLowering.zeroIfNull(PlanLowering.bound(slot, call.getType()), call.getType()));
                    needsProjection = true;
                } else if (computedInDouble(call) && call.getType().getSqlTypeName() != SqlTypeName.DOUBLE) {
                    // the native statistics aggregates compute in double; the plan's type (numeric for integer and
                    // numeric arguments, as in PostgreSQL) is what clients were told
                    results.add(PlanLowering.castExpr(PlanLowering.bound(slot, partType), CometTypes.of(call.getType())));
                    needsProjection = true;
                } else {
                    results.add(PlanLowering.bound(slot, call.getType()));
                }
                if ((kind == org.apache.calcite.sql.SqlKind.SUM || kind == org.apache.calcite.sql.SqlKind.SUM0)
                        && DecimalSumGuard.needed(argType, call.getType())) {
                    guardSum(arg, finalArg, argType, i, slot, call.getType(), g > 0, aggs, results);
                    needsProjection = true;
                }
            }
            i++;
        }
        // a result that is a native aggregate's column as it is, in order, needs no projection (deduplicated ones do)
        for (int k = 0; k < results.size() && !needsProjection; k++) {
            needsProjection = !(results.get(k).hasBound() && results.get(k).getBound().getIndex() == k);
        }
        needsProjection |= results.size() != g + aggs.partial.getAggExprsCount();
        Operator f = twoPhase(child, aggs);
        // in shares by key range, grouped by the key: each share's groups are its own, read one share after the other
        boolean rangesOwnGroups = byRange != null && byRange.groupsByKey(a);
        Operator merged = null;
        if (byRange != null && !rangesOwnGroups) {
            if (!aggs.mergeable()) {
                throw new IllegalStateException("aggregation " + a.getId() + " in shares by key range does not merge");
            }
            merged = partitioned(a, f, scansBefore, null, keyTypes, aggs.partTypes, aggs.merges, aggs.sumChecks);
        } else if (byRange == null && aggs.mergeable() && splitTarget != null) {
            merged = partitioned(a, f, scansBefore, splitTarget, keyTypes, aggs.partTypes, aggs.merges, aggs.sumChecks);
        }
        boolean byKey = false;
        if (merged != null) {
            f = merged;
        } else {
            byKey = !rangesOwnGroups && KeySharedAggregate.applies(plan, a, keyTypes, aggs.mergeable(), scansBefore);
            if (byKey) {
                child = KeySharedAggregate.ownKeys(plan, child, aggs.partial.getGroupingExprsList(), keyTypes);
                f = twoPhase(child, aggs);
            }
            Operator single = SinglePhaseAggregate.lower(plan, a, child, aggs.partial, aggs.fin);
            if (single != null) {
                f = single;
            }
        }
        if (needsProjection) {
            Projection.Builder pb = Projection.newBuilder();
            results.forEach(pb::addProjectList);
            f = plan.op(f).setProjection(pb).build();
        }
        return byKey || rangesOwnGroups ? KeySharedAggregate.inShares(plan, a, f, scansBefore) : f;
    }

    /** The partial and the final aggregation of {@code aggs} over {@code input}. */
    private Operator twoPhase(Operator input, NativeAggregates aggs) {
        return plan.op(plan.op(input).setHashAgg(aggs.partial).build()).setHashAgg(aggs.fin).build();
    }

    /** COUNT(arg): of a column without NULLs, COUNT(*), which another call's equal count then shares. */
    private static AggExpr count(Expr arg, RelDataType argType) {
        return argType.isNullable() ? AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(arg)).build() : countRows();
    }

    /** COUNT(*). */
    private static AggExpr countRows() {
        return AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(PlanLowering.one())).build();
    }

    /**
     * Adds the overflow guard ({@link DecimalSumGuard}) of the sum lowered last (of {@code arg}, in output column
     * {@code sum}), whose result is the last of {@code results}.
     */
    private void guardSum(Expr arg, Expr finalArg, RelDataType argType, int i, int sum, RelDataType sumType, boolean grouped,
                          NativeAggregates aggs, List<Expr> results) {
        var tf = plan.rexBuilder.getTypeFactory();
        if (grouped) {
            RelDataType bigint = tf.createSqlType(SqlTypeName.BIGINT);
            int count = aggs.add(count(arg, argType), count(finalArg, argType), bigint, org.apache.calcite.sql.SqlKind.SUM);
            aggs.sumChecks.add(new NativeAggregates.SumCheck(sum, count));
            results.set(results.size() - 1, DecimalSumGuard.checkedGroup(results.get(results.size() - 1), PlanLowering.bound(sum, sumType),
                    PlanLowering.bound(count, bigint)));
            return;
        }
        int column = aggs.add(DecimalSumGuard.magnitudes(arg), DecimalSumGuard.merged(Expr.newBuilder().setUnbound(UnboundReference.newBuilder()
                .setName("g" + i).setDatatype(CometTypes.id(DataTypeId.DOUBLE))).build()),
                tf.createTypeWithNullability(tf.createSqlType(SqlTypeName.DOUBLE), true), org.apache.calcite.sql.SqlKind.SUM);
        results.set(results.size() - 1, DecimalSumGuard.checked(results.get(results.size() - 1), column, sumType));
    }

    /**
     * Runs aggregation {@code agg} (whose scans are those from {@code scansBefore} on) as several native plans at once,
     * each over a share of {@code target}'s rows (with no target: of the rows of each key range, {@link KeyRangeShares}),
     * and returns the plan that merges their results (the same columns as {@code agg}'s); null when the scans do not
     * allow it. Exact because everything between the aggregation and {@code target} distributes over a split of its
     * rows ({@link ParallelShares#splitTarget}), or over key ranges, and every aggregate merges.
     */
    private Operator partitioned(Aggregate aggregate, Operator agg, int scansBefore, TableScan target, List<RelDataType> groupTypes,
                                 List<RelDataType> partTypes, List<org.apache.calcite.sql.SqlKind> merges, List<NativeAggregates.SumCheck> sumChecks) {
        if (target != null && !worthSplitting(aggregate, target, scansBefore)) {
            return null;
        }
        List<RelDataType> types = new ArrayList<>(groupTypes);
        types.addAll(partTypes);
        if (!sumChecks.isEmpty()) {
            agg = plan.op(agg).setProjection(DecimalSumGuard.checkedColumns(types, sumChecks)).build();
        }
        // no target: shares by key range, each reading its own rows of every keyed table
        Scan.Builder merged = target == null ? shares.byKey(agg, scansBefore, types) : shares.split(agg, scansBefore, target, types);
        if (merged == null) {
            return null;
        }
        HashAggregate.Builder partial = HashAggregate.newBuilder().setMode(AggregateMode.Partial);
        HashAggregate.Builder fin = HashAggregate.newBuilder().setMode(AggregateMode.Final);
        int g = groupTypes.size();
        for (int k = 0; k < g; k++) {
            partial.addGroupingExprs(PlanLowering.bound(k, groupTypes.get(k)));
            fin.addGroupingExprs(PlanLowering.bound(k, groupTypes.get(k)));
        }
        for (int j = 0; j < partTypes.size(); j++) {
            RelDataType t = partTypes.get(j);
            Expr share = PlanLowering.bound(g + j, t);
            Expr state = Expr.newBuilder().setUnbound(UnboundReference.newBuilder().setName("m" + j).setDatatype(CometTypes.of(t))).build();
            partial.addAggExprs(mergeExpr(merges.get(j), share, t));
            fin.addAggExprs(mergeExpr(merges.get(j), state, t));
        }
        return plan.op(plan.op(plan.op().setScan(merged).build()).setHashAgg(partial).build()).setHashAgg(fin).build();
    }

    /**
     * Whether shares would finish sooner than one plan, by the planner's estimates: the split table is large
     * ({@code olap.parallel-min-rows}), it outweighs the other scans, which every share reads in full (a join's
     * hash table is built once per share), and its groups are few beside the rows the shares divide (each share's
     * groups are aggregated again). Those rows are the split table's or the aggregation's input, whichever is more:
     * a selective join or filter below leaves few rows to aggregate but still divides the scan and probe work (TPC-H
     * Q17's average per part over the parts a semi join keeps). Measured on TPC-H SF 1 (README): scan-heavy
     * aggregations gain up to 1.7x.
     */
    private boolean worthSplitting(Aggregate aggregate, TableScan target, int scansBefore) {
        double groups = plan.cardinality.rows(aggregate);
        double divided = Math.max(plan.cardinality.rows(aggregate.getInput()), plan.cardinality.rows(target));
        // every share's groups are aggregated again by the merge: many groups per divided row make the split a loss
        boolean worth = shares.large(target, scansBefore) && groups * 8 <= divided;
        LOG.debug("aggregation {}: split table ~{} rows, ~{} groups from ~{} rows: {}", aggregate.getId(), plan.cardinality.rows(target),
                groups, plan.cardinality.rows(aggregate.getInput()), worth ? "parallel" : "one plan");
        return worth;
    }

    private static AggExpr mergeExpr(org.apache.calcite.sql.SqlKind kind, Expr child, RelDataType t) {
        DataType type = CometTypes.of(t);
        return switch (kind) {
            case SUM -> AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(child).setDatatype(type).setFailOnError(true)).build();
            case MIN -> AggExpr.newBuilder().setMin(Min.newBuilder().setChild(child).setDatatype(type)).build();
            default -> AggExpr.newBuilder().setMax(Max.newBuilder().setChild(child).setDatatype(type)).build();
        };
    }

    /** The type a decimal AVG sums in: the type system's SUM type of its argument. */
    private RelDataType decimalSumType(RelDataType argType) {
        var tf = plan.rexBuilder.getTypeFactory();
        return tf.getTypeSystem().deriveSumType(tf, argType);
    }

    /** The value of a scalar subquery's group, or PostgreSQL's error when the group has more than one row. */
    private Expr singleValue(int valueSlot, int countSlot, RelDataType resultType) {
        DataType result = CometTypes.of(resultType);
        Expr value = Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(valueSlot).setDatatype(result)).build();
        Expr count = Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(countSlot).setDatatype(CometTypes.id(DataTypeId.INT64))).build();
        return FunctionLowering.checkedSingleValue(value, count);
    }

    /** sum / count at the result's scale; NULL for an empty group (count 0), as AVG gives. */
    Expr decimalAverage(int sumSlot, int countSlot, DataType sumType, RelDataType resultType) {
        DataType result = CometTypes.of(resultType);
        Expr sum = Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(sumSlot).setDatatype(sumType)).build();
        Expr count = Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(countSlot).setDatatype(CometTypes.id(DataTypeId.INT64))).build();
        Expr divisor = PlanLowering.castExpr(count, CometTypes.decimal(19, 0));
        // the sum as it is: the division rescales it (a sum may have more integer digits than the average)
        Expr dividend = sumType.getTypeId() == DataTypeId.DECIMAL ? sum : PlanLowering.castExpr(sum, CometTypes.decimal(19, 0));
        org.apache.comet.serde.ExprOuterClass.MathExpr div = org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder()
                .setLeft(dividend).setRight(divisor).setReturnType(result).setEvalMode(EvalMode.LEGACY).build();
        Expr quotient = Expr.newBuilder().setDivide(div).build();
        Expr zero = Expr.newBuilder().setLiteral(Literal.newBuilder().setLongVal(0).setDatatype(CometTypes.id(DataTypeId.INT64))).build();
        Expr isEmpty = Expr.newBuilder().setEq(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder().setLeft(count).setRight(zero)).build();
        Expr nullResult = Expr.newBuilder().setLiteral(Literal.newBuilder().setIsNull(true).setDatatype(result)).build();
        return Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(isEmpty).addThen(nullResult)
                .setElseExpr(quotient)).build();
    }

    /** Aggregates lowered to native ones; anything else is refused by name before its arguments are read. */
    private static final java.util.Set<org.apache.calcite.sql.SqlKind> SUPPORTED_AGGREGATES = java.util.EnumSet.of(
            org.apache.calcite.sql.SqlKind.COUNT, org.apache.calcite.sql.SqlKind.SUM, org.apache.calcite.sql.SqlKind.SUM0,
            org.apache.calcite.sql.SqlKind.MIN, org.apache.calcite.sql.SqlKind.MAX, org.apache.calcite.sql.SqlKind.AVG,
            org.apache.calcite.sql.SqlKind.STDDEV_SAMP, org.apache.calcite.sql.SqlKind.STDDEV_POP, org.apache.calcite.sql.SqlKind.VAR_SAMP,
            org.apache.calcite.sql.SqlKind.VAR_POP, org.apache.calcite.sql.SqlKind.LITERAL_AGG, org.apache.calcite.sql.SqlKind.SINGLE_VALUE,
            org.apache.calcite.sql.SqlKind.COVAR_POP, org.apache.calcite.sql.SqlKind.COVAR_SAMP, org.apache.calcite.sql.SqlKind.OTHER_FUNCTION);

    /** PostgreSQL's name of an aggregate Calcite renamed. */
    private static String sqlName(String calciteName) {
        return switch (calciteName) {
            case "LISTAGG" -> "string_agg";
            default -> calciteName.toLowerCase(java.util.Locale.ROOT);
        };
    }


    /** STDDEV, VARIANCE, covariance and correlation: the native aggregates return double whatever the argument. */
    private static boolean computedInDouble(AggregateCall call) {
        return switch (call.getAggregation().getKind()) {
            case STDDEV_SAMP, STDDEV_POP, VAR_SAMP, VAR_POP, COVAR_POP, COVAR_SAMP -> true;
            default -> call.getAggregation().getName().equalsIgnoreCase("CORR");
        };
    }

    private AggExpr aggExpr(AggregateCall call, Expr arg, RelDataType argType, AggregateFacts facts) {
        DataType result = CometTypes.of(call.getType());
        AggExpr.Builder b = AggExpr.newBuilder();
        switch (call.getAggregation().getKind()) {
            case COUNT -> {
                if (call.getArgList().size() > 1) {
                    throw new UnsupportedSqlException(plan.sql, "COUNT of several columns");
                }
                return arg != null ? count(arg, argType) : countRows();
            }
            case SUM, SUM0 -> {
                // a decimal of the sum's scale needs no cast: the native sum adds the unscaled values in its own type
                boolean sameScale = argType.getSqlTypeName() == SqlTypeName.DECIMAL && call.getType().getSqlTypeName() == SqlTypeName.DECIMAL
                        && argType.getScale() == call.getType().getScale();
                b.setSum(Sum.newBuilder().setChild(sameScale ? arg : plan.castTo(arg, argType, call.getType())).setDatatype(result).setFailOnError(true));
            }
            case MIN -> b.setMin(Min.newBuilder().setChild(arg).setDatatype(result));
            case MAX -> b.setMax(Max.newBuilder().setChild(arg).setDatatype(result));
            case AVG -> {
                boolean dec = argType.getSqlTypeName() == SqlTypeName.DECIMAL;
                DataType sumType = dec ? CometTypes.of(decimalSumType(argType)) : CometTypes.id(DataTypeId.DOUBLE);
                Expr child = dec ? arg : PlanLowering.castExpr(arg, CometTypes.id(DataTypeId.DOUBLE));
                b.setAvg(Avg.newBuilder().setChild(child).setDatatype(result).setSumDatatype(sumType).setFailOnError(true));
            }
            case STDDEV_SAMP, STDDEV_POP -> b.setStddev(Stddev.newBuilder().setChild(PlanLowering.castExpr(arg, CometTypes.id(DataTypeId.DOUBLE)))
                    .setDatatype(CometTypes.id(DataTypeId.DOUBLE)).setNullOnDivideByZero(true)
                    .setStatsType(call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.STDDEV_SAMP ? StatisticsType.SAMPLE : StatisticsType.POPULATION));
            case VAR_SAMP, VAR_POP -> b.setVariance(Variance.newBuilder().setChild(PlanLowering.castExpr(arg, CometTypes.id(DataTypeId.DOUBLE)))
                    .setDatatype(CometTypes.id(DataTypeId.DOUBLE)).setNullOnDivideByZero(true)
                    .setStatsType(call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.VAR_SAMP ? StatisticsType.SAMPLE : StatisticsType.POPULATION));
            case COVAR_POP, COVAR_SAMP, OTHER_FUNCTION -> {
                if (call.getArgList().size() != 2 || !call.getAggregation().getName().matches("(?i)COVAR_POP|COVAR_SAMP|CORR")) {
                    throw new UnsupportedSqlException(plan.sql, "aggregate function " + sqlName(call.getAggregation().getName()));
                }
                Expr[] xy = pairArgs(call, arg, facts.input());
                DataType dbl = CometTypes.id(DataTypeId.DOUBLE);
                if (call.getAggregation().getName().equalsIgnoreCase("CORR")) {
                    b.setCorrelation(org.apache.comet.serde.ExprOuterClass.Correlation.newBuilder().setChild1(xy[0]).setChild2(xy[1])
                            .setNullOnDivideByZero(true).setDatatype(dbl));
                } else {
                    b.setCovariance(org.apache.comet.serde.ExprOuterClass.Covariance.newBuilder().setChild1(xy[0]).setChild2(xy[1])
                            .setNullOnDivideByZero(true).setDatatype(dbl)
                            .setStatsType(call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.COVAR_SAMP ? StatisticsType.SAMPLE : StatisticsType.POPULATION));
                }
            }
            case LITERAL_AGG -> {
                // the same literal for every group (used by decorrelated NOT IN / EXISTS)
                b.setMax(Max.newBuilder().setChild(plan.rex.lower(call.rexList.get(0))).setDatatype(result));
            }
            case SINGLE_VALUE -> {
                // A scalar subquery: exact as MAX only when its input has at most one row per group.
                if (!facts.singleRowPerGroup()) {
                    throw new UnsupportedSqlException(plan.sql, "a scalar subquery that may return more than one row");
                }
                b.setMax(Max.newBuilder().setChild(arg).setDatatype(result));
            }
            default -> throw new UnsupportedSqlException(plan.sql, "aggregate function " + call.getAggregation().getName());
        }
        return b.build();
    }

    /** The two arguments of covar/corr as doubles: in the partial stage the input columns, in the final stage unbound names. */
    private Expr[] pairArgs(AggregateCall call, Expr first, List<RelDataTypeField> in) {
        DataType dbl = CometTypes.id(DataTypeId.DOUBLE);
        if (first.hasUnbound()) {
            Expr second = Expr.newBuilder().setUnbound(UnboundReference.newBuilder().setName(first.getUnbound().getName() + "_2").setDatatype(dbl)).build();
            return new Expr[]{Expr.newBuilder().setUnbound(first.getUnbound().toBuilder().setDatatype(dbl)).build(), second};
        }
        Expr x = PlanLowering.castExpr(first, dbl);
        int yIndex = call.getArgList().get(1);
        Expr y = PlanLowering.castExpr(PlanLowering.bound(yIndex, in.get(yIndex).getType()), dbl);
        if (call.filterArg >= 0) {
            y = Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(filterHolds(call, in)).addThen(y)
                    .setElseExpr(Expr.newBuilder().setLiteral(Literal.newBuilder().setIsNull(true).setDatatype(dbl)))).build();
        }
        return new Expr[]{x, y};
    }

    /** A call's FILTER (WHERE p) as "p is true" (false and NULL leave the row out). */
    private static Expr filterHolds(AggregateCall call, List<RelDataTypeField> in) {
        return Expr.newBuilder().setEqNullSafe(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder()
                .setLeft(PlanLowering.bound(call.filterArg, in.get(call.filterArg).getType()))
                .setRight(Expr.newBuilder().setLiteral(Literal.newBuilder().setBoolVal(true).setDatatype(CometTypes.id(DataTypeId.BOOL))))).build();
    }
}
