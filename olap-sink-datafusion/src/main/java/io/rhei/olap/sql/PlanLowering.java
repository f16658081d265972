package io.rhei.olap.sql;

import io.rhei.core.model.TableId;
import io.rhei.olap.UnsupportedSqlException;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
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
import org.apache.comet.serde.OperatorOuterClass.HashAggregate;
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
final class PlanLowering {
    private final String sql;
    private final RexBuilder rexBuilder;
    private final RexLowering rex;
    private final List<ScanInput> scans = new ArrayList<>();
    private int nextPlanId = 1;

    PlanLowering(String sql, RexBuilder rexBuilder) {
        this.sql = sql;
        this.rexBuilder = rexBuilder;
        this.rex = new RexLowering(sql, rexBuilder);
    }

    List<ScanInput> scans() {
        return scans;
    }

    Operator lower(RelNode rel) {
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
            return op(lower(f.getInput())).setFilter(org.apache.comet.serde.OperatorOuterClass.Filter.newBuilder()
                    .setPredicate(rex.lower(f.getCondition()))).build();
        }
        if (rel instanceof Aggregate a) {
            return aggregate(a);
        }
        if (rel instanceof Sort s) {
            return sort(s);
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
            case "Intersect", "Minus" -> n.toUpperCase();
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
        scans.add(new ScanInput(table, names));
        return op().setScan(s).build();
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
            pb.addProjectList(rex.lower(e));
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

    private Operator aggregate(Aggregate a) {
        if (a.getGroupType() != Aggregate.Group.SIMPLE) {
            throw new UnsupportedSqlException(sql, "GROUPING SETS / ROLLUP / CUBE");
        }
        Operator child = lower(a.getInput());
        List<RelDataTypeField> in = a.getInput().getRowType().getFieldList();
        List<Integer> groups = a.getGroupSet().asList();
        HashAggregate.Builder partial = HashAggregate.newBuilder().setMode(AggregateMode.Partial);
        HashAggregate.Builder fin = HashAggregate.newBuilder().setMode(AggregateMode.Final);
        for (int k = 0; k < groups.size(); k++) {
            RelDataType t = in.get(groups.get(k)).getType();
            partial.addGroupingExprs(bound(groups.get(k), t));
            fin.addGroupingExprs(bound(k, t));
        }
        int i = 0;
        for (AggregateCall call : a.getAggCallList()) {
            if (call.isDistinct()) {
                throw new UnsupportedSqlException(sql, "DISTINCT inside an aggregate (" + call + ")");
            }
            if (call.filterArg >= 0) {
                throw new UnsupportedSqlException(sql, "FILTER on an aggregate (" + call + ")");
            }
            Expr arg = call.getArgList().isEmpty() ? null : bound(call.getArgList().get(0), in.get(call.getArgList().get(0)).getType());
            RelDataType argType = call.getArgList().isEmpty() ? null : in.get(call.getArgList().get(0)).getType();
            Expr finalArg = argType == null ? null : Expr.newBuilder().setUnbound(UnboundReference.newBuilder()
                    .setName("a" + i).setDatatype(CometTypes.of(argType))).build();
            partial.addAggExprs(aggExpr(call, arg, argType));
            fin.addAggExprs(aggExpr(call, finalArg, argType));
            i++;
        }
        Operator p = op(child).setHashAgg(partial).build();
        return op(p).setHashAgg(fin).build();
    }

    private AggExpr aggExpr(AggregateCall call, Expr arg, RelDataType argType) {
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
                if (call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.SUM0) {
                    throw new UnsupportedSqlException(sql, "$SUM0");
                }
                b.setSum(Sum.newBuilder().setChild(castTo(arg, argType, call.getType())).setDatatype(result).setFailOnError(true));
            }
            case MIN -> b.setMin(Min.newBuilder().setChild(arg).setDatatype(result));
            case MAX -> b.setMax(Max.newBuilder().setChild(arg).setDatatype(result));
            case AVG -> {
                boolean dec = argType.getSqlTypeName() == SqlTypeName.DECIMAL;
                DataType sumType = dec ? CometTypes.decimal(Math.min(38, argType.getPrecision() + 10), argType.getScale())
                        : CometTypes.id(DataTypeId.DOUBLE);
                Expr child = dec ? arg : castExpr(arg, CometTypes.id(DataTypeId.DOUBLE));
                b.setAvg(Avg.newBuilder().setChild(child).setDatatype(result).setSumDatatype(sumType).setFailOnError(true));
            }
            case STDDEV_SAMP, STDDEV_POP -> b.setStddev(Stddev.newBuilder().setChild(castExpr(arg, CometTypes.id(DataTypeId.DOUBLE)))
                    .setDatatype(CometTypes.id(DataTypeId.DOUBLE)).setNullOnDivideByZero(true)
                    .setStatsType(call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.STDDEV_SAMP ? StatisticsType.SAMPLE : StatisticsType.POPULATION));
            case VAR_SAMP, VAR_POP -> b.setVariance(Variance.newBuilder().setChild(castExpr(arg, CometTypes.id(DataTypeId.DOUBLE)))
                    .setDatatype(CometTypes.id(DataTypeId.DOUBLE)).setNullOnDivideByZero(true)
                    .setStatsType(call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.VAR_SAMP ? StatisticsType.SAMPLE : StatisticsType.POPULATION));
            default -> throw new UnsupportedSqlException(sql, "aggregate function " + call.getAggregation().getName());
        }
        return b.build();
    }

    private Expr castTo(Expr e, RelDataType from, RelDataType to) {
        if (from.getSqlTypeName() == to.getSqlTypeName() && from.getPrecision() == to.getPrecision() && from.getScale() == to.getScale()) {
            return e;
        }
        return castExpr(e, CometTypes.of(to));
    }

    private static Expr castExpr(Expr e, DataType to) {
        return Expr.newBuilder().setCast(Cast.newBuilder().setChild(e).setDatatype(to).setEvalMode(EvalMode.ANSI).setTimezone("UTC")
                .setAllowIncompat(true)).build();
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
                boolean desc = k.getDirection().isDescending();
                RelFieldCollation.NullDirection nd = k.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED
                        ? (desc ? RelFieldCollation.NullDirection.FIRST : RelFieldCollation.NullDirection.LAST) // PostgreSQL's default
                        : k.nullDirection;
                sb.addSortOrders(Expr.newBuilder().setSortOrder(SortOrder.newBuilder()
                        .setChild(bound(k.getFieldIndex(), fields.get(k.getFieldIndex()).getType()))
                        .setDirection(desc ? SortDirection.Descending : SortDirection.Ascending)
                        .setNullOrdering(nd == RelFieldCollation.NullDirection.FIRST ? NullOrdering.NullsFirst : NullOrdering.NullsLast)));
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

    /** Input columns an expression list reads. */
    private static final class RelOptUtilHolder {
        static ImmutableBitSet inputs(List<RexNode> exprs) {
            return org.apache.calcite.plan.RelOptUtil.InputFinder.bits(exprs, null);
        }
    }
}
