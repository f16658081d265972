package io.rhei.olap.physical;

import io.rhei.olap.sql.Bpchar;
import io.rhei.olap.stats.Cardinality;

import io.rhei.core.model.TableId;
import io.rhei.olap.UnsupportedSqlException;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.comet.serde.ExprOuterClass.AggExpr;
import org.apache.comet.serde.ExprOuterClass.Avg;
import org.apache.comet.serde.ExprOuterClass.BoundReference;
import org.apache.comet.serde.ExprOuterClass.Cast;
import org.apache.comet.serde.ExprOuterClass.Count;
import org.apache.comet.serde.ExprOuterClass.EvalMode;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.Max;
import org.apache.comet.serde.ExprOuterClass.Min;
import org.apache.comet.serde.ExprOuterClass.NullOrdering;
import org.apache.comet.serde.ExprOuterClass.SortDirection;
import org.apache.comet.serde.ExprOuterClass.SortOrder;
import org.apache.comet.serde.ExprOuterClass.StatisticsType;
import org.apache.comet.serde.ExprOuterClass.Stddev;
import org.apache.comet.serde.ExprOuterClass.Sum;
import org.apache.comet.serde.ExprOuterClass.UnboundReference;
import org.apache.comet.serde.ExprOuterClass.Variance;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.OperatorOuterClass.AggregateMode;
import org.apache.comet.serde.OperatorOuterClass.BuildSide;
import org.apache.comet.serde.OperatorOuterClass.HashAggregate;
import org.apache.comet.serde.OperatorOuterClass.HashJoin;
import org.apache.comet.serde.OperatorOuterClass.JoinType;
import org.apache.comet.serde.OperatorOuterClass.Limit;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Projection;
import org.apache.comet.serde.OperatorOuterClass.Scan;
import org.apache.comet.serde.Types.DataType;
import org.apache.comet.serde.Types.DataType.DataTypeId;

import java.util.ArrayList;
import java.util.List;

/**
 * Lowers an optimised Calcite plan to DataFusion's physical operators: table scans (fed from storage, only the
 * columns the query uses), projections, filters, two-phase hash aggregation, sort (top-k when there is a LIMIT)
 * and limit/offset. Relational operators not lowered yet are refused by name.
 */
public final class PlanLowering {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlanLowering.class);
    private final String sql;
    private final RexBuilder rexBuilder;
    private final RexLowering rex;
    private final List<ScanInput> scans = new ArrayList<>();
    /** The table scan each entry of {@link #scans} came from (null for other inputs). */
    private final List<RelNode> scanRels = new ArrayList<>();
    private final int parallelism;
    private final Cardinality cardinality;
    private final long parallelMinRows;
    private int nextPlanId = 1;
    private int nextStage = 1;

    public PlanLowering(String sql, RexBuilder rexBuilder, Cardinality cardinality, int parallelism, long parallelMinRows) {
        this.sql = sql;
        this.rexBuilder = rexBuilder;
        this.cardinality = cardinality;
        this.rex = new RexLowering(sql, rexBuilder);
        this.parallelism = parallelism;
        this.parallelMinRows = parallelMinRows;
    }

    public List<ScanInput> scans() {
        return scans;
    }

    /** Lowerings of the union branches this one planned. */
    private final List<PlanLowering> branchLowerings = new ArrayList<>();

    /** Whether the plan reads the clock (now(), current_date), so that it must not be reused. */
    public boolean usesClock() {
        return rex.usesClock() || branchLowerings.stream().anyMatch(PlanLowering::usesClock);
    }

    public Operator lower(RelNode rel) {
        if (rel instanceof Project p) {
            return project(p);
        }
        if (rel instanceof TableScan ts) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < ts.getRowType().getFieldCount(); i++) {
                all.add(i);
            }
            return scan(ts, all);
        }
        if (rel instanceof Filter f) {
            int scansBefore = scans.size();
            Operator child = lower(f.getInput());
            pushIntoScan(f, scansBefore);
            return op(child).setFilter(org.apache.comet.serde.OperatorOuterClass.Filter.newBuilder()
                    .setPredicate(rex.lowerOver(f.getInput(), f.getCondition()))).build();
        }
        if (rel instanceof Aggregate a) {
            return aggregate(a);
        }
        if (rel instanceof Sort s) {
            return sort(s);
        }
        if (rel instanceof Join j) {
            return join(j);
        }
        if (rel instanceof Union u) {
            return union(u);
        }
        if (rel instanceof org.apache.calcite.rel.core.Window w) {
            return window(w);
        }
        if (rel instanceof org.apache.calcite.rel.core.Values v) {
            return values(v);
        }
        throw new UnsupportedSqlException(sql, relName(rel));
    }

    private static String relName(RelNode rel) {
        String n = rel.getRelTypeName().replace("Logical", "");
        return switch (n) {
            case "Join" -> "joins";
            case "Union" -> "UNION";
            case "Values" -> "queries without FROM / VALUES";
            case "Window" -> "window functions (OVER)";
            case "Correlate" -> "correlated subqueries";
            case "Intersect" -> "INTERSECT ALL";
            case "Minus" -> "EXCEPT ALL";
            default -> "relational operator " + n;
        };
    }

    private Operator.Builder op(Operator... children) {
        Operator.Builder b = Operator.newBuilder().setPlanId(nextPlanId++);
        for (Operator c : children) {
            b.addChildren(c);
        }
        return b;
    }

    private Operator scan(TableScan ts, List<Integer> columns) {
        List<String> qualified = ts.getTable().getQualifiedName();
        TableId table = TableId.of(qualified.get(qualified.size() - 2), qualified.get(qualified.size() - 1));
        List<RelDataTypeField> fields = ts.getRowType().getFieldList();
        Scan.Builder s = Scan.newBuilder().setSource(table.toString()).setArrowFfiSafe(true);
        List<String> names = new ArrayList<>();
        for (int c : columns) {
            RelDataTypeField f = fields.get(c);
            if (f.getType().getSqlTypeName() == SqlTypeName.TIME) {
                throw new UnsupportedSqlException(sql, "columns of PostgreSQL type time (" + table + "." + f.getName() + ")");
            }
            s.addFields(CometTypes.of(f.getType()));
            names.add(f.getName());
        }
        scans.add(new ScanInput.Table(table, names, io.rhei.storage.ScanFilter.ALL));
        scanRels.add(ts);
        return op().setScan(s).build();
    }

    /**
     * A filter straight over a table scan (or over the column-trimming projection on one) hands the scan what of
     * its condition the files can evaluate; the native filter still applies all of it.
     */
    private void pushIntoScan(Filter f, int scansBefore) {
        if (scans.size() != scansBefore + 1 || !(scans.get(scansBefore) instanceof ScanInput.Table t)) {
            return;
        }
        RelNode input = f.getInput();
        boolean scanOnly = input instanceof TableScan
                || input instanceof Project p && p.getInput() instanceof TableScan && p.getProjects().stream().allMatch(e -> e instanceof RexInputRef);
        if (!scanOnly) {
            return;
        }
        List<String> inputColumns = new ArrayList<>();
        List<org.apache.calcite.rel.type.RelDataType> types = new ArrayList<>();
        List<RelDataTypeField> tableFields = (input instanceof TableScan ts ? ts : (TableScan) input.getInput(0)).getRowType().getFieldList();
        if (input instanceof Project p) {
            for (RexNode e : p.getProjects()) {
                RelDataTypeField field = tableFields.get(((RexInputRef) e).getIndex());
                inputColumns.add(field.getName());
                types.add(field.getType());
            }
        } else {
            tableFields.forEach(field -> {
                inputColumns.add(field.getName());
                types.add(field.getType());
            });
        }
        io.rhei.storage.ScanFilter pushed = ScanFilters.extract(f.getCondition(), inputColumns, types);
        scans.set(scansBefore, new ScanInput.Table(t.table(), t.columns(), pushed));
    }

    /** A projection straight over a table scans only the columns it uses (the field trimmer puts one above every scan). */
    private Operator project(Project p) {
        Operator child;
        List<RexNode> exprs = p.getProjects();
        if (p.getInput() instanceof TableScan ts) {
            ImmutableBitSet used = RelOptUtilHolder.inputs(exprs);
            List<Integer> columns = used.asList();
            int[] remap = new int[ts.getRowType().getFieldCount()];
            for (int i = 0; i < columns.size(); i++) {
                remap[columns.get(i)] = i;
            }
            child = scan(ts, columns);
            exprs = exprs.stream().map(e -> e.accept(new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    return new RexInputRef(remap[ref.getIndex()], ref.getType());
                }
            })).toList();
            if (isIdentity(exprs, columns.size())) {
                return child;
            }
        } else {
            child = lower(p.getInput());
        }
        Projection.Builder pb = Projection.newBuilder();
        for (RexNode e : exprs) {
            // over a table scan the references were renumbered to the scanned columns: no origins for those
            pb.addProjectList(p.getInput() instanceof TableScan ? rex.lower(e) : rex.lowerOver(p.getInput(), e));
        }
        return op(child).setProjection(pb).build();
    }

    private static boolean isIdentity(List<RexNode> exprs, int width) {
        if (exprs.size() != width) {
            return false;
        }
        for (int i = 0; i < exprs.size(); i++) {
            if (!(exprs.get(i) instanceof RexInputRef r) || r.getIndex() != i) {
                return false;
            }
        }
        return true;
    }

    /**
     * What lowering one aggregate's calls needs to know about that aggregate. Passed down rather than kept in a
     * field: lowering the input first may lower a nested aggregate, whose facts must not leak into this one.
     */
    private record AggregateFacts(List<RelDataTypeField> input, boolean singleRowPerGroup) {
    }

    private Operator aggregate(Aggregate a) {
        Double maxRows = a.getCluster().getMetadataQuery().getMaxRowCount(a.getInput());
        boolean singleRowPerGroup = a.getGroupCount() == 0 && maxRows != null && maxRows <= 1;
        if (a.getGroupType() != Aggregate.Group.SIMPLE) {
            throw new UnsupportedSqlException(sql, "GROUPING SETS / ROLLUP / CUBE");
        }
        TableScan splitTarget = parallelism > 1 ? splitTarget(a.getInput()) : null;
        int scansBefore = scans.size();
        Operator child = lower(a.getInput());
        List<RelDataTypeField> in = a.getInput().getRowType().getFieldList();
        AggregateFacts facts = new AggregateFacts(in, singleRowPerGroup);
        List<Integer> groups = a.getGroupSet().asList();
        // what merges the results of several shares: one entry per native aggregate (its result type and merge)
        List<RelDataType> partTypes = new ArrayList<>();
        List<org.apache.calcite.sql.SqlKind> merges = new ArrayList<>();
        boolean mergeable = true;
        HashAggregate.Builder partial = HashAggregate.newBuilder().setMode(AggregateMode.Partial);
        HashAggregate.Builder fin = HashAggregate.newBuilder().setMode(AggregateMode.Final);
        for (int k = 0; k < groups.size(); k++) {
            RelDataType t = in.get(groups.get(k)).getType();
            partial.addGroupingExprs(bound(groups.get(k), t));
            fin.addGroupingExprs(bound(k, t));
        }
        // AVG of a decimal runs as SUM and COUNT, divided afterwards at PostgreSQL's scale (the native AVG
        // fixes its result scale at s+4); every other call maps to one native aggregate.
        List<Expr> results = new ArrayList<>();
        int g = groups.size();
        for (int k = 0; k < g; k++) {
            results.add(bound(k, in.get(groups.get(k)).getType()));
        }
        boolean needsProjection = false;
        int slot = g;
        int i = 0;
        for (AggregateCall call : a.getAggCallList()) {
            if (call.isDistinct()) {
                throw new UnsupportedSqlException(sql, "DISTINCT inside an aggregate (" + call + ")");
            }
            Expr arg = call.getArgList().isEmpty() ? null : bound(call.getArgList().get(0), in.get(call.getArgList().get(0)).getType());
            RelDataType argType = call.getArgList().isEmpty() ? null : in.get(call.getArgList().get(0)).getType();
            if (call.filterArg >= 0 && argType != null && (argType.getSqlTypeName() == SqlTypeName.TIMESTAMP
                    || argType.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)) {
                throw new UnsupportedSqlException(sql, "FILTER on an aggregate of a timestamp (the native CASE over timestamps fails)");
            }
            if (call.filterArg >= 0) {
                // agg(x) FILTER (WHERE p) is agg(CASE WHEN p THEN x END): every aggregate lowered here skips NULLs
                Expr keep = filterHolds(call, in);
                Expr value = arg != null ? arg : one();
                DataType valueType = arg != null ? CometTypes.of(argType) : CometTypes.id(DataTypeId.INT32);
                // no ELSE: NULL of the value's type (a NULL timestamp literal would need a zone)
                arg = Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(keep).addThen(value)).build();
                if (argType == null) {
                    argType = rexBuilder.getTypeFactory().createSqlType(SqlTypeName.INTEGER);
                }
            }
            Expr finalArg = argType == null ? null : Expr.newBuilder().setUnbound(UnboundReference.newBuilder()
                    .setName("a" + i).setDatatype(CometTypes.of(argType))).build();
            if (!SUPPORTED_AGGREGATES.contains(call.getAggregation().getKind())) {
                throw new UnsupportedSqlException(sql, "aggregate function " + sqlName(call.getAggregation().getName()));
            }
            if (call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.AVG && argType != null && RexLowering.isIntegral(argType)) {
                // AVG of integers is numeric (PostgreSQL): the sum and count of the values as decimal(19, 0)
                RelDataType asDecimal = rexBuilder.getTypeFactory().createSqlType(SqlTypeName.DECIMAL, 19, 0);
                arg = castExpr(arg, CometTypes.of(asDecimal));
                argType = asDecimal;
                finalArg = Expr.newBuilder().setUnbound(UnboundReference.newBuilder().setName("a" + i).setDatatype(CometTypes.of(argType))).build();
            }
            if (call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.AVG && argType.getSqlTypeName() == SqlTypeName.DECIMAL) {
                var tf = rexBuilder.getTypeFactory();
                RelDataType sumRelType = decimalSumType(argType);
                DataType sumType = CometTypes.of(sumRelType);
                AggExpr sum = AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(arg).setDatatype(sumType).setFailOnError(true)).build();
                AggExpr cnt = AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(arg)).build();
                partial.addAggExprs(sum).addAggExprs(cnt);
                fin.addAggExprs(AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(finalArg).setDatatype(sumType).setFailOnError(true)))
                        .addAggExprs(AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(finalArg)));
                results.add(decimalAverage(slot, sumType, call.getType()));
                slot += 2;
                needsProjection = true;
                partTypes.add(sumRelType);
                partTypes.add(tf.createSqlType(SqlTypeName.BIGINT));
                merges.add(org.apache.calcite.sql.SqlKind.SUM);
                merges.add(org.apache.calcite.sql.SqlKind.SUM);
            } else {
                partial.addAggExprs(aggExpr(call, arg, argType, facts));
                fin.addAggExprs(aggExpr(call, finalArg, argType, facts));
                if (call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.SUM0) {
                    // $SUM0 (a COUNT split by distinct aggregates) is 0 where SUM is NULL
                    results.add(zeroIfNull(bound(slot, call.getType()), call.getType()));
                    needsProjection = true;
                } else {
                    results.add(bound(slot, call.getType()));
                }
                slot++;
                org.apache.calcite.sql.SqlKind merge = switch (call.getAggregation().getKind()) {
                    case COUNT, SUM -> org.apache.calcite.sql.SqlKind.SUM;
                    case MIN -> org.apache.calcite.sql.SqlKind.MIN;
                    case MAX, LITERAL_AGG, SINGLE_VALUE -> org.apache.calcite.sql.SqlKind.MAX;
                    default -> null; // AVG of a float, STDDEV, VARIANCE: results of shares do not merge
                };
                mergeable &= merge != null;
                merges.add(merge);
                partTypes.add(call.getType());
            }
            i++;
        }
        Operator p = op(child).setHashAgg(partial).build();
        Operator f = op(p).setHashAgg(fin).build();
        if (mergeable && splitTarget != null) {
            Operator merged = partitioned(a, f, scansBefore, splitTarget, groups.stream().map(k -> in.get(k).getType()).toList(), partTypes, merges);
            if (merged != null) {
                f = merged;
            }
        }
        if (!needsProjection) {
            return f;
        }
        Projection.Builder pb = Projection.newBuilder();
        results.forEach(pb::addProjectList);
        return op(f).setProjection(pb).build();
    }

    /**
     * Runs aggregation {@code agg} (whose scans are those from {@code scansBefore} on) as several native plans at once,
     * each over a share of {@code target}'s rows, and returns the plan that merges their results (the same columns
     * as {@code agg}'s); null when the scans do not allow it. Exact because everything between the aggregation and
     * {@code target} distributes over a split of its rows ({@link #splitTarget}) and every aggregate merges.
     */
    private Operator partitioned(Aggregate aggregate, Operator agg, int scansBefore, TableScan target, List<RelDataType> groupTypes,
                                 List<RelDataType> partTypes, List<org.apache.calcite.sql.SqlKind> merges) {
        int split = -1;
        for (int k = scansBefore; k < scans.size(); k++) {
            if (!(scans.get(k) instanceof ScanInput.Table)) {
                return null; // a union or another parallel aggregation below: not nested
            }
            if (scanRels.get(k) == target) {
                if (split >= 0) {
                    return null; // the same scan node twice
                }
                split = k - scansBefore;
            }
        }
        if (split < 0) {
            return null;
        }
        if (!worthSplitting(aggregate, target, scansBefore)) {
            return null;
        }
        List<RelDataType> types = new ArrayList<>(groupTypes);
        types.addAll(partTypes);
        List<String> names = new ArrayList<>();
        List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>();
        Scan.Builder merged = Scan.newBuilder().setSource("rhei:aggregate-shares:" + nextStage++).setArrowFfiSafe(true);
        for (int k = 0; k < types.size(); k++) {
            names.add("c" + k);
            fields.add(new org.apache.arrow.vector.types.pojo.Field("c" + k,
                    org.apache.arrow.vector.types.pojo.FieldType.nullable(CometTypes.arrow(types.get(k))), null));
            merged.addFields(CometTypes.of(types.get(k)));
        }
        LoweredPlan stage = new LoweredPlan(sql, agg, List.copyOf(scans.subList(scansBefore, scans.size())), names,
                new org.apache.arrow.vector.types.pojo.Schema(fields), "");
        scans.subList(scansBefore, scans.size()).clear();
        scanRels.subList(scansBefore, scanRels.size()).clear();
        scans.add(new ScanInput.Partitioned(stage, split, merged.getSource()));
        scanRels.add(null);
        HashAggregate.Builder partial = HashAggregate.newBuilder().setMode(AggregateMode.Partial);
        HashAggregate.Builder fin = HashAggregate.newBuilder().setMode(AggregateMode.Final);
        int g = groupTypes.size();
        for (int k = 0; k < g; k++) {
            partial.addGroupingExprs(bound(k, groupTypes.get(k)));
            fin.addGroupingExprs(bound(k, groupTypes.get(k)));
        }
        for (int j = 0; j < partTypes.size(); j++) {
            RelDataType t = partTypes.get(j);
            Expr share = bound(g + j, t);
            Expr state = Expr.newBuilder().setUnbound(UnboundReference.newBuilder().setName("m" + j).setDatatype(CometTypes.of(t))).build();
            partial.addAggExprs(mergeExpr(merges.get(j), share, t));
            fin.addAggExprs(mergeExpr(merges.get(j), state, t));
        }
        return op(op(op().setScan(merged).build()).setHashAgg(partial).build()).setHashAgg(fin).build();
    }

    /**
     * Whether shares would finish sooner than one plan, by the planner's estimates: the split table is large
     * ({@code olap.parallel-min-rows}), it outweighs the other scans, which every share reads in full (a join's
     * hash table is built once per share), and its groups are few beside its input rows (each share's groups are
     * aggregated again). Measured on TPC-H SF 1 (README): scan-heavy aggregations gain up to 1.7x.
     */
    private boolean worthSplitting(Aggregate aggregate, TableScan target, int scansBefore) {
        double split = cardinality.rows(target);
        double others = 0;
        for (int k = scansBefore; k < scanRels.size(); k++) {
            if (scanRels.get(k) != target && scanRels.get(k) != null) {
                others += cardinality.rows(scanRels.get(k));
            }
        }
        double groups = cardinality.rows(aggregate);
        double input = cardinality.rows(aggregate.getInput());
        // every share's groups are aggregated again by the merge: many groups per input row make the split a loss
        boolean worth = split >= parallelMinRows && split >= 2 * others && groups * 8 <= input;
        LOG.debug("aggregation {}: split table ~{} rows, other scans ~{} rows, ~{} groups from ~{} rows: {}", aggregate.getId(), split, others,
                groups, input, worth ? "parallel" : "one plan");
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

    /**
     * The table scan whose rows an aggregation over {@code rel} may split into shares: reached only through
     * projections, filters and joins that distribute over a split of that side (either side of an inner join, the
     * preserved side of an outer, semi or anti join); the largest such scan by estimate. Null when there is none.
     */
    private TableScan splitTarget(RelNode rel) {
        if (rel instanceof TableScan ts) {
            return ts;
        }
        if (rel instanceof Project || rel instanceof Filter) {
            return splitTarget(rel.getInput(0));
        }
        if (rel instanceof Join j) {
            return switch (j.getJoinType()) {
                case INNER -> larger(splitTarget(j.getLeft()), splitTarget(j.getRight()));
                case LEFT, SEMI, ANTI -> splitTarget(j.getLeft());
                case RIGHT -> splitTarget(j.getRight());
                default -> null;
            };
        }
        return null;
    }

    private TableScan larger(TableScan a, TableScan b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return cardinality.rows(b) > cardinality.rows(a) ? b : a;
    }

    /** The type a decimal AVG sums in: the type system's SUM type of its argument. */
    private RelDataType decimalSumType(RelDataType argType) {
        var tf = rexBuilder.getTypeFactory();
        return tf.getTypeSystem().deriveSumType(tf, argType);
    }

    /** sum / count at the result's scale; NULL for an empty group (count 0), as AVG gives. */
    private Expr decimalAverage(int sumSlot, DataType sumType, RelDataType resultType) {
        DataType result = CometTypes.of(resultType);
        Expr sum = Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(sumSlot).setDatatype(sumType)).build();
        Expr count = Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(sumSlot + 1).setDatatype(CometTypes.id(DataTypeId.INT64))).build();
        Expr divisor = castExpr(count, CometTypes.decimal(19, 0));
        // the sum as it is: the division rescales it (a sum may have more integer digits than the average)
        Expr dividend = sumType.getTypeId() == DataTypeId.DECIMAL ? sum : castExpr(sum, CometTypes.decimal(19, 0));
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


    private AggExpr aggExpr(AggregateCall call, Expr arg, RelDataType argType, AggregateFacts facts) {
        DataType result = CometTypes.of(call.getType());
        AggExpr.Builder b = AggExpr.newBuilder();
        switch (call.getAggregation().getKind()) {
            case COUNT -> {
                if (call.getArgList().size() > 1) {
                    throw new UnsupportedSqlException(sql, "COUNT of several columns");
                }
                b.setCount(Count.newBuilder().addChildren(arg != null ? arg : one()));
            }
            case SUM, SUM0 -> {
                b.setSum(Sum.newBuilder().setChild(castTo(arg, argType, call.getType())).setDatatype(result).setFailOnError(true));
            }
            case MIN -> b.setMin(Min.newBuilder().setChild(arg).setDatatype(result));
            case MAX -> b.setMax(Max.newBuilder().setChild(arg).setDatatype(result));
            case AVG -> {
                boolean dec = argType.getSqlTypeName() == SqlTypeName.DECIMAL;
                DataType sumType = dec ? CometTypes.of(decimalSumType(argType)) : CometTypes.id(DataTypeId.DOUBLE);
                Expr child = dec ? arg : castExpr(arg, CometTypes.id(DataTypeId.DOUBLE));
                b.setAvg(Avg.newBuilder().setChild(child).setDatatype(result).setSumDatatype(sumType).setFailOnError(true));
            }
            case STDDEV_SAMP, STDDEV_POP -> b.setStddev(Stddev.newBuilder().setChild(castExpr(arg, CometTypes.id(DataTypeId.DOUBLE)))
                    .setDatatype(CometTypes.id(DataTypeId.DOUBLE)).setNullOnDivideByZero(true)
                    .setStatsType(call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.STDDEV_SAMP ? StatisticsType.SAMPLE : StatisticsType.POPULATION));
            case VAR_SAMP, VAR_POP -> b.setVariance(Variance.newBuilder().setChild(castExpr(arg, CometTypes.id(DataTypeId.DOUBLE)))
                    .setDatatype(CometTypes.id(DataTypeId.DOUBLE)).setNullOnDivideByZero(true)
                    .setStatsType(call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.VAR_SAMP ? StatisticsType.SAMPLE : StatisticsType.POPULATION));
            case COVAR_POP, COVAR_SAMP, OTHER_FUNCTION -> {
                if (call.getArgList().size() != 2 || !call.getAggregation().getName().matches("(?i)COVAR_POP|COVAR_SAMP|CORR")) {
                    throw new UnsupportedSqlException(sql, "aggregate function " + sqlName(call.getAggregation().getName()));
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
                b.setMax(Max.newBuilder().setChild(rex.lower(call.rexList.get(0))).setDatatype(result));
            }
            case SINGLE_VALUE -> {
                // A scalar subquery: exact as MAX only when its input has at most one row per group.
                if (!facts.singleRowPerGroup()) {
                    throw new UnsupportedSqlException(sql, "a scalar subquery that may return more than one row");
                }
                b.setMax(Max.newBuilder().setChild(arg).setDatatype(result));
            }
            default -> throw new UnsupportedSqlException(sql, "aggregate function " + call.getAggregation().getName());
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
        Expr x = castExpr(first, dbl);
        int yIndex = call.getArgList().get(1);
        Expr y = castExpr(bound(yIndex, in.get(yIndex).getType()), dbl);
        if (call.filterArg >= 0) {
            y = Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder().addWhen(filterHolds(call, in)).addThen(y)
                    .setElseExpr(Expr.newBuilder().setLiteral(Literal.newBuilder().setIsNull(true).setDatatype(dbl)))).build();
        }
        return new Expr[]{x, y};
    }

    /** A call's FILTER (WHERE p) as "p is true" (false and NULL leave the row out). */
    private static Expr filterHolds(AggregateCall call, List<RelDataTypeField> in) {
        return Expr.newBuilder().setEqNullSafe(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder()
                .setLeft(bound(call.filterArg, in.get(call.filterArg).getType()))
                .setRight(Expr.newBuilder().setLiteral(Literal.newBuilder().setBoolVal(true).setDatatype(CometTypes.id(DataTypeId.BOOL))))).build();
    }

    /** {@code e} of type {@code t}, 0 where it is NULL ($SUM0: a SUM that gives 0 rather than NULL). */
    private static Expr zeroIfNull(Expr e, RelDataType t) {
        return Expr.newBuilder().setScalarFunc(org.apache.comet.serde.ExprOuterClass.ScalarFunc.newBuilder().setFunc("coalesce")
                .addArgs(e).addArgs(castExpr(zero(), CometTypes.of(t))).setReturnType(CometTypes.of(t))).build();
    }

    private Expr castTo(Expr e, RelDataType from, RelDataType to) {
        return rex.castExpr(e, from, to);
    }


    private static Expr castExpr(Expr e, DataType to) {
        return Expr.newBuilder().setCast(Cast.newBuilder().setChild(e).setDatatype(to).setEvalMode(EvalMode.ANSI).setTimezone("UTC")
                .setAllowIncompat(true)).build();
    }

    private static Expr zero() {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setIntVal(0).setDatatype(CometTypes.id(DataTypeId.INT32))).build();
    }

    private static Expr one() {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setIntVal(1).setDatatype(CometTypes.id(DataTypeId.INT32))).build();
    }

    private static Expr bound(int index, RelDataType t) {
        return Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(index).setDatatype(CometTypes.of(t))).build();
    }

    private Operator sort(Sort s) {
        Operator child = lower(s.getInput());
        int offset = s.offset == null ? 0 : RexLiteral.intValue(s.offset);
        Integer fetch = s.fetch == null ? null : RexLiteral.intValue(s.fetch);
        List<RelFieldCollation> keys = s.getCollation().getFieldCollations();
        Operator out = child;
        if (!keys.isEmpty()) {
            org.apache.comet.serde.OperatorOuterClass.Sort.Builder sb = org.apache.comet.serde.OperatorOuterClass.Sort.newBuilder();
            List<RelDataTypeField> fields = s.getInput().getRowType().getFieldList();
            for (RelFieldCollation k : keys) {
                sb.addSortOrders(sortOrder(k, fields.get(k.getFieldIndex()).getType()));
            }
            if (fetch != null) {
                sb.setFetch(fetch + offset); // top-k
            }
            out = op(child).setSort(sb).build();
        }
        if (offset > 0 || (fetch != null && keys.isEmpty())) {
            Limit.Builder lb = Limit.newBuilder().setLimit(fetch == null ? Integer.MAX_VALUE : fetch + offset).setOffset(offset);
            out = op(out).setLimit(lb).build();
        }
        return out;
    }

    private Operator join(Join j) {
        JoinInfo info = j.analyzeCondition();
        JoinType type = switch (j.getJoinType()) {
            case INNER -> JoinType.Inner;
            case LEFT -> JoinType.LeftOuter;
            case RIGHT -> JoinType.RightOuter;
            case FULL -> JoinType.FullOuter;
            case SEMI -> JoinType.LeftSemi;
            case ANTI -> JoinType.LeftAnti;
            default -> throw new UnsupportedSqlException(sql, j.getJoinType() + " joins");
        };
        Operator left = lower(j.getLeft());
        Operator right = lower(j.getRight());
        List<RelDataTypeField> lf = j.getLeft().getRowType().getFieldList();
        List<RelDataTypeField> rf = j.getRight().getRowType().getFieldList();
        // The hash table is built on the side the planner estimates smaller.
        boolean buildLeft = cardinality.rows(j.getLeft()) < cardinality.rows(j.getRight());
        HashJoin.Builder hj = HashJoin.newBuilder().setJoinType(type).setBuildSide(buildLeft ? BuildSide.BuildLeft : BuildSide.BuildRight);
        for (int k = 0; k < info.leftKeys.size(); k++) {
            RelDataType lt = lf.get(info.leftKeys.get(k)).getType();
            RelDataType rt = rf.get(info.rightKeys.get(k)).getType();
            RelDataType common = rexBuilder.getTypeFactory().leastRestrictive(List.of(lt, rt));
            if (common == null) {
                throw new UnsupportedSqlException(sql, "join of " + lt.getFullTypeString() + " with " + rt.getFullTypeString());
            }
            if (Bpchar.storedLength(j.getLeft(), info.leftKeys.get(k)) > 0
                    && Bpchar.storedLength(j.getLeft(), info.leftKeys.get(k)) == Bpchar.storedLength(j.getRight(), info.rightKeys.get(k))) {
                // two stored char(n) columns of one length: both padded to n, equal exactly when equal as bpchar
                hj.addLeftJoinKeys(bound(info.leftKeys.get(k), lt));
                hj.addRightJoinKeys(bound(info.rightKeys.get(k), rt));
                continue;
            }
            if (lt.getSqlTypeName() == SqlTypeName.CHAR || rt.getSqlTypeName() == SqlTypeName.CHAR) {
                // char(n) keys match as PostgreSQL's bpchar does: without trailing blanks
                hj.addLeftJoinKeys(RexLowering.rtrim(bound(info.leftKeys.get(k), lt)));
                hj.addRightJoinKeys(RexLowering.rtrim(bound(info.rightKeys.get(k), rt)));
                continue;
            }
            hj.addLeftJoinKeys(castTo(bound(info.leftKeys.get(k), lt), lt, common));
            hj.addRightJoinKeys(castTo(bound(info.rightKeys.get(k), rt), rt, common));
        }
        if (info.leftKeys.isEmpty()) {
            // No equality to hash on (a cross join, a non-equi join, or a decorrelated scalar subquery): every row
            // shares one constant key and the condition filters the pairs. Correct for every join type, but it
            // compares all pairs: cost is the product of the two sides.
            hj.addLeftJoinKeys(one()).addRightJoinKeys(one());
        }
        if (!info.isEqui()) {
            RexNode remaining = info.getRemaining(rexBuilder);
            if (!remaining.isAlwaysTrue()) {
                hj.setCondition(rex.lower(remaining));
            }
        }
        return op(left, right).setHashJoin(hj).build();
    }

    /**
     * Window aggregates: per window group, a sort by partition and order keys, then the native window operator
     * (DataFusion's bounded window aggregation, which appends one column per function). ROW_NUMBER is COUNT(*)
     * over ROWS UNBOUNDED PRECEDING .. CURRENT ROW; AVG is SUM / COUNT in a projection on top.
     */
    private Operator window(org.apache.calcite.rel.core.Window w) {
        Operator current = lower(w.getInput());
        List<RelDataTypeField> in = w.getInput().getRowType().getFieldList();
        List<RelDataType> types = new ArrayList<>();
        in.forEach(f -> types.add(f.getType()));
        int inputCount = in.size();
        List<Expr> results = new ArrayList<>();
        for (int i = 0; i < inputCount; i++) {
            results.add(bound(i, types.get(i)));
        }
        boolean needsProjection = false;
        for (org.apache.calcite.rel.core.Window.Group group : w.groups) {
            org.apache.comet.serde.OperatorOuterClass.Sort.Builder sort = org.apache.comet.serde.OperatorOuterClass.Sort.newBuilder();
            org.apache.comet.serde.OperatorOuterClass.Window.Builder wb = org.apache.comet.serde.OperatorOuterClass.Window.newBuilder();
            List<Expr> partition = new ArrayList<>();
            for (int k : group.keys) {
                Expr key = bound(k, types.get(k));
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
                partition.add(one());
                wb.addPartitionByList(one());
                sort.addSortOrders(sortOrder(one(), false, true));
            }
            current = op(current).setSort(sort).build();
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
                        args.add(rex.lower(constant));
                        argTypes.add(constant.getType());
                        continue;
                    }
                    if (!(operand instanceof RexInputRef ref) || ref.getIndex() >= inputCount) {
                        throw new UnsupportedSqlException(sql, "window function " + fn + " over an expression");
                    }
                    args.add(bound(ref.getIndex(), types.get(ref.getIndex())));
                    argTypes.add(types.get(ref.getIndex()));
                }
                switch (fn) {
                    case "ROW_NUMBER" -> {
                        wb.addWindowExpr(windowExpr(AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(one())).build(),
                                partition, orders, WindowFrames.rows(null, 0L)));
                        results.add(bound(types.size(), call.getType()));
                        types.add(call.getType());
                    }
                    case "RANK" -> {
                        // rows up to and including the current peer group, minus the peer group, plus one
                        AggExpr countAll = AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(one())).build();
                        wb.addWindowExpr(windowExpr(countAll, partition, orders, rangeFrame(false)));
                        int upTo = types.size();
                        types.add(rexBuilder.getTypeFactory().createSqlType(SqlTypeName.BIGINT));
                        wb.addWindowExpr(windowExpr(countAll, partition, orders, rangeFrame(true)));
                        int peers = types.size();
                        types.add(rexBuilder.getTypeFactory().createSqlType(SqlTypeName.BIGINT));
                        DataType i64 = CometTypes.id(DataTypeId.INT64);
                        Expr diff = Expr.newBuilder().setSubtract(org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder()
                                .setLeft(bound(upTo, types.get(upTo))).setRight(bound(peers, types.get(peers))).setReturnType(i64)
                                .setEvalMode(EvalMode.ANSI)).build();
                        Expr rank = Expr.newBuilder().setAdd(org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder()
                                .setLeft(diff).setRight(castExpr(one(), i64)).setReturnType(i64).setEvalMode(EvalMode.ANSI)).build();
                        results.add(castExpr(rank, CometTypes.of(call.getType())));
                        needsProjection = true;
                    }
                    case "COUNT", "SUM", "$SUM0", "MIN", "MAX" -> {
                        AggExpr agg = switch (fn) {
                            case "COUNT" -> AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(args.isEmpty() ? one() : args.get(0))).build();
                            case "MIN" -> AggExpr.newBuilder().setMin(Min.newBuilder().setChild(args.get(0)).setDatatype(CometTypes.of(call.getType()))).build();
                            case "MAX" -> AggExpr.newBuilder().setMax(Max.newBuilder().setChild(args.get(0)).setDatatype(CometTypes.of(call.getType()))).build();
                            default -> AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(castTo(args.get(0), argTypes.get(0), call.getType()))
                                    .setDatatype(CometTypes.of(call.getType()))).build();
                        };
                        wb.addWindowExpr(windowExpr(agg, partition, orders, frame));
                        Expr out = bound(types.size(), call.getType());
                        if (fn.equals("$SUM0")) { // SUM over an empty frame is 0, not NULL
                            out = zeroIfNull(out, call.getType());
                            needsProjection = true;
                        }
                        results.add(out);
                        types.add(call.getType());
                    }
                    case "AVG" -> {
                        RelDataType sumType = rexBuilder.getTypeFactory().getTypeSystem().deriveSumType(rexBuilder.getTypeFactory(), argTypes.get(0));
                        wb.addWindowExpr(windowExpr(AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(castTo(args.get(0), argTypes.get(0), sumType))
                                .setDatatype(CometTypes.of(sumType))).build(), partition, orders, frame));
                        int sumAt = types.size();
                        types.add(sumType);
                        wb.addWindowExpr(windowExpr(AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(args.get(0))).build(),
                                partition, orders, frame));
                        int countAt = types.size();
                        types.add(rexBuilder.getTypeFactory().createSqlType(SqlTypeName.BIGINT));
                        if (call.getType().getSqlTypeName() == SqlTypeName.DECIMAL) {
                            // numeric (and integer) averages exact, as PostgreSQL gives them
                            results.add(decimalAverage(sumAt, CometTypes.of(sumType), call.getType()));
                        } else {
                            DataType dbl = CometTypes.id(DataTypeId.DOUBLE);
                            Expr quotient = Expr.newBuilder().setDivide(org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder()
                                    .setLeft(castExpr(bound(sumAt, sumType), dbl)).setRight(castExpr(bound(countAt, types.get(countAt)), dbl))
                                    .setReturnType(dbl).setEvalMode(EvalMode.LEGACY)).build();
                            results.add(castExpr(quotient, CometTypes.of(call.getType())));
                        }
                        needsProjection = true;
                    }
                    case "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE" -> {
                        List<Expr> fargs = new ArrayList<>(List.of(args.get(0)));
                        if (fn.equals("NTH_VALUE")) {
                            fargs.add(longLiteral(constantLong(constants.get(1), fn)));
                        }
                        wb.addWindowExpr(windowFunction(fn.toLowerCase(java.util.Locale.ROOT), fargs, partition, orders, frame));
                        results.add(castTo(bound(types.size(), argTypes.get(0)), argTypes.get(0), call.getType()));
                        types.add(argTypes.get(0));
                        needsProjection = true;
                    }
                    case "NTILE", "PERCENT_RANK", "CUME_DIST" -> {
                        RelDataType bigint = rexBuilder.getTypeFactory().createSqlType(SqlTypeName.BIGINT);
                        AggExpr countAll = AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(one())).build();
                        wb.addWindowExpr(windowExpr(countAll, partition, orders, WindowFrames.wholePartition()));
                        int totalAt = types.size();
                        types.add(bigint);
                        Expr total = bound(totalAt, bigint);
                        if (fn.equals("NTILE")) {
                            wb.addWindowExpr(windowExpr(countAll, partition, orders, WindowFrames.rows(null, 0L)));
                            Expr r = bound(types.size(), bigint);
                            types.add(bigint);
                            results.add(castExpr(ntile(r, total, constantLong(constants.get(0), fn)), CometTypes.of(call.getType())));
                        } else {
                            // PERCENT_RANK: (rank - 1) / (rows - 1); CUME_DIST: rows up to the current peer group / rows
                            wb.addWindowExpr(windowExpr(countAll, partition, orders, rangeFrame(false)));
                            int upTo = types.size();
                            types.add(bigint);
                            Expr numerator;
                            Expr denominator;
                            if (fn.equals("CUME_DIST")) {
                                numerator = bound(upTo, bigint);
                                denominator = total;
                            } else {
                                wb.addWindowExpr(windowExpr(countAll, partition, orders, rangeFrame(true)));
                                int peers = types.size();
                                types.add(bigint);
                                numerator = arithmetic("subtract", bound(upTo, bigint), bound(peers, bigint)); // rank - 1
                                denominator = arithmetic("subtract", total, longLiteral(1));
                            }
                            DataType dbl = CometTypes.id(DataTypeId.DOUBLE);
                            Expr quotient = Expr.newBuilder().setDivide(org.apache.comet.serde.ExprOuterClass.MathExpr.newBuilder()
                                    .setLeft(castExpr(numerator, dbl)).setRight(castExpr(denominator, dbl)).setReturnType(dbl)
                                    .setEvalMode(EvalMode.LEGACY)).build();
                            Expr single = Expr.newBuilder().setEq(org.apache.comet.serde.ExprOuterClass.BinaryExpr.newBuilder()
                                    .setLeft(total).setRight(longLiteral(1))).build();
                            Expr zeroD = Expr.newBuilder().setLiteral(Literal.newBuilder().setDoubleVal(fn.equals("CUME_DIST") ? 1 : 0).setDatatype(dbl)).build();
                            results.add(castExpr(Expr.newBuilder().setCaseWhen(org.apache.comet.serde.ExprOuterClass.CaseWhen.newBuilder()
                                    .addWhen(single).addThen(zeroD).setElseExpr(quotient)).build(), CometTypes.of(call.getType())));
                        }
                        needsProjection = true;
                    }
                    default -> throw new UnsupportedSqlException(sql, "window function " + fn
                            + " (supported over windows: ROW_NUMBER, RANK, NTILE, PERCENT_RANK, CUME_DIST, FIRST_VALUE,"
                            + " LAST_VALUE, NTH_VALUE, COUNT, SUM, MIN, MAX, AVG)");
                }
            }
            current = op(current).setWindow(wb).build();
        }
        if (!needsProjection) {
            return current;
        }
        Projection.Builder pb = Projection.newBuilder();
        results.forEach(pb::addProjectList);
        return op(current).setProjection(pb).build();
    }

    /** A sort key; NULLs sort as in PostgreSQL unless the query says otherwise: last ascending, first descending. */
    private static Expr sortOrder(RelFieldCollation c, RelDataType type) {
        boolean desc = c.getDirection().isDescending();
        boolean nullsFirst = c.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED ? desc
                : c.nullDirection == RelFieldCollation.NullDirection.FIRST;
        return sortOrder(bound(c.getFieldIndex(), type), desc, nullsFirst);
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
            throw new UnsupportedSqlException(sql, "window function " + fn + " with an offset or count that is not a constant");
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
            throw new UnsupportedSqlException(sql, "NTILE with a bucket count below 1");
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
            throw new UnsupportedSqlException(sql, "RANGE window frames with an offset (use ROWS)");
        }
        if (g.lowerBound.isUnbounded() && g.lowerBound.isPreceding()) {
            lower.setUnboundedPreceding(org.apache.comet.serde.OperatorOuterClass.UnboundedPreceding.getDefaultInstance());
        } else if (g.lowerBound.isCurrentRow()) {
            lower.setCurrentRow(org.apache.comet.serde.OperatorOuterClass.CurrentRow.getDefaultInstance());
        } else if (g.lowerBound.isPreceding() && offset(w, g.lowerBound.getOffset()) != null) {
            lower.setPreceding(org.apache.comet.serde.OperatorOuterClass.Preceding.newBuilder().setOffset(offset(w, g.lowerBound.getOffset())));
        } else {
            throw new UnsupportedSqlException(sql, "window frame starting at " + g.lowerBound);
        }
        if (g.upperBound.isUnbounded() && g.upperBound.isFollowing()) {
            upper.setUnboundedFollowing(org.apache.comet.serde.OperatorOuterClass.UnboundedFollowing.getDefaultInstance());
        } else if (g.upperBound.isCurrentRow()) {
            upper.setCurrentRow(org.apache.comet.serde.OperatorOuterClass.CurrentRow.getDefaultInstance());
        } else if (g.upperBound.isFollowing() && offset(w, g.upperBound.getOffset()) != null) {
            upper.setFollowing(org.apache.comet.serde.OperatorOuterClass.Following.newBuilder().setOffset(offset(w, g.upperBound.getOffset())));
        } else {
            throw new UnsupportedSqlException(sql, "window frame ending at " + g.upperBound);
        }
        return org.apache.comet.serde.OperatorOuterClass.WindowFrame.newBuilder()
                .setFrameType(g.isRows ? org.apache.comet.serde.OperatorOuterClass.WindowFrameType.Rows
                        : org.apache.comet.serde.OperatorOuterClass.WindowFrameType.Range)
                .setLowerBound(lower).setUpperBound(upper).build();
    }

    /** UNION ALL: each branch is its own native plan, cast to the union's types; a scan feeds their results. */
    private Operator union(Union u) {
        if (!u.all) {
            throw new UnsupportedSqlException(sql, "UNION without ALL (rewritten by the planner; not expected here)");
        }
        List<RelDataTypeField> fields = u.getRowType().getFieldList();
        List<LoweredPlan> branches = new ArrayList<>();
        for (RelNode input : u.getInputs()) {
            List<RexNode> casts = new ArrayList<>();
            List<RelDataTypeField> in = input.getRowType().getFieldList();
            for (int i = 0; i < fields.size(); i++) {
                RexNode ref = rexBuilder.makeInputRef(input, i);
                casts.add(sameType(in.get(i).getType(), fields.get(i).getType()) ? ref
                        : rexBuilder.makeCast(fields.get(i).getType(), ref, true, false));
            }
            RelNode branch = org.apache.calcite.rel.logical.LogicalProject.create(input, List.of(), casts, u.getRowType().getFieldNames(),
                    java.util.Set.of());
            PlanLowering sub = new PlanLowering(sql, rexBuilder, cardinality, parallelism, parallelMinRows);
            branchLowerings.add(sub);
            Operator op = sub.lower(branch);
            List<org.apache.arrow.vector.types.pojo.Field> schema = new ArrayList<>();
            for (RelDataTypeField f : fields) {
                schema.add(new org.apache.arrow.vector.types.pojo.Field(f.getName(),
                        org.apache.arrow.vector.types.pojo.FieldType.nullable(CometTypes.arrow(f.getType())), null));
            }
            branches.add(new LoweredPlan(sql, op, List.copyOf(sub.scans()), u.getRowType().getFieldNames(),
                    new org.apache.arrow.vector.types.pojo.Schema(schema), ""));
        }
        Scan.Builder s = Scan.newBuilder().setSource("union").setArrowFfiSafe(true);
        for (RelDataTypeField f : fields) {
            s.addFields(CometTypes.of(f.getType()));
        }
        scans.add(new ScanInput.Materialized(branches));
        scanRels.add(null);
        return op().setScan(s).build();
    }

    /** VALUES and queries without FROM: a scan of the constant rows, built in Java ({@link ScanInput.Values}). */
    private Operator values(org.apache.calcite.rel.core.Values v) {
        List<RelDataTypeField> fields = v.getRowType().getFieldList();
        List<org.apache.arrow.vector.types.pojo.Field> schema = new ArrayList<>();
        Scan.Builder s = Scan.newBuilder().setSource("values").setArrowFfiSafe(true);
        for (RelDataTypeField f : fields) {
            schema.add(new org.apache.arrow.vector.types.pojo.Field(f.getName(),
                    org.apache.arrow.vector.types.pojo.FieldType.nullable(CometTypes.arrow(f.getType())), null));
            s.addFields(CometTypes.of(f.getType()));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (List<RexLiteral> tuple : v.getTuples()) {
            List<Object> row = new ArrayList<>();
            for (int i = 0; i < tuple.size(); i++) {
                row.add(constant(tuple.get(i), fields.get(i).getType()));
            }
            rows.add(row);
        }
        scans.add(new ScanInput.Values(new org.apache.arrow.vector.types.pojo.Schema(schema), rows));
        scanRels.add(null);
        return op().setScan(s).build();
    }

    /** A literal as {@link io.rhei.olap.exec.ValuesBatch} takes it, in the column's type. */
    private Object constant(RexLiteral lit, RelDataType type) {
        if (lit.isNull()) {
            return null;
        }
        return switch (type.getSqlTypeName()) {
            case BOOLEAN -> lit.getValueAs(Boolean.class);
            case TINYINT, SMALLINT, INTEGER, BIGINT -> lit.getValueAs(Long.class);
            case REAL, FLOAT, DOUBLE -> lit.getValueAs(Double.class);
            case DECIMAL -> lit.getValueAs(java.math.BigDecimal.class).setScale(type.getScale(), java.math.RoundingMode.HALF_UP);
            case CHAR, VARCHAR -> lit.getValueAs(String.class);
            case DATE -> lit.getValueAs(org.apache.calcite.util.DateString.class).getDaysSinceEpoch();
            case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> lit.getValueAs(org.apache.calcite.util.TimestampString.class).getMillisSinceEpoch() * 1000;
            default -> throw new UnsupportedSqlException(sql, "a VALUES column of type " + type.getFullTypeString());
        };
    }

    private static boolean sameType(RelDataType a, RelDataType b) {
        return a.getSqlTypeName() == b.getSqlTypeName() && a.getPrecision() == b.getPrecision() && a.getScale() == b.getScale();
    }

    /** Input columns an expression list reads. */
    private static final class RelOptUtilHolder {
        static ImmutableBitSet inputs(List<RexNode> exprs) {
            return org.apache.calcite.plan.RelOptUtil.InputFinder.bits(exprs, null);
        }
    }
}
