package io.rhei.olap.physical;

import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.comet.serde.ExprOuterClass.AggExpr;
import org.apache.comet.serde.ExprOuterClass.BinaryExpr;
import org.apache.comet.serde.ExprOuterClass.Count;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.ExprOuterClass.UnboundReference;
import org.apache.comet.serde.OperatorOuterClass.AggregateMode;
import org.apache.comet.serde.OperatorOuterClass.HashAggregate;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Projection;
import org.apache.comet.serde.OperatorOuterClass.Scan;
import org.apache.comet.serde.Types.DataType.DataTypeId;

import java.util.List;

/**
 * A semi or anti join whose large side is the one it only tests (TPC-H Q4: orders that have a late lineitem) runs in
 * shares split on that side ({@link ParallelShares}): every share reads the kept side in full and tests its rows
 * against its share of the other. A row of the kept side belongs in a semi join's result when some share matched it,
 * and in an anti join's when every share left it unmatched; the plan above merges the shares' rows by grouping them
 * on all their columns (counting them for an anti join: kept when all {@code n} shares returned it). Exact only when
 * those columns are unique in the kept side, so that grouping merges nothing but one row's copies.
 */
final class SemiJoinInShares {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SemiJoinInShares.class);

    private SemiJoinInShares() {
    }

    /** {@code joined} (the join {@code j} lowered, its scans from {@code scansBefore} on) run in shares when it pays; else {@code joined}. */
    static Operator lower(PlanLowering plan, Join j, Operator joined, int scansBefore) {
        if (!plan.sharesAllowed() || (j.getJoinType() != JoinRelType.SEMI && j.getJoinType() != JoinRelType.ANTI)) {
            return joined;
        }
        ParallelShares shares = new ParallelShares(plan);
        TableScan target = shares.splitTarget(j.getRight());
        if (target == null || !shares.large(target, scansBefore)) {
            return joined;
        }
        List<RelDataTypeField> kept = j.getLeft().getRowType().getFieldList();
        Boolean unique = j.getCluster().getMetadataQuery().areColumnsUnique(j.getLeft(), ImmutableBitSet.range(kept.size()));
        if (!Boolean.TRUE.equals(unique)) {
            LOG.debug("{} join {}: the kept side's rows are not known to be unique; one plan", j.getJoinType(), j.getId());
            return joined;
        }
        List<RelDataType> types = ParallelShares.columnTypes(j.getLeft());
        Scan.Builder merged = shares.split(joined, scansBefore, target, types);
        if (merged == null) {
            return joined;
        }
        boolean anti = j.getJoinType() == JoinRelType.ANTI;
        HashAggregate.Builder partial = HashAggregate.newBuilder().setMode(AggregateMode.Partial);
        HashAggregate.Builder fin = HashAggregate.newBuilder().setMode(AggregateMode.Final);
        for (int k = 0; k < types.size(); k++) {
            partial.addGroupingExprs(PlanLowering.bound(k, types.get(k)));
            fin.addGroupingExprs(PlanLowering.bound(k, types.get(k)));
        }
        if (anti) {
            partial.addAggExprs(AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(PlanLowering.one())));
            fin.addAggExprs(AggExpr.newBuilder().setCount(Count.newBuilder().addChildren(Expr.newBuilder().setUnbound(
                    UnboundReference.newBuilder().setName("n").setDatatype(CometTypes.id(DataTypeId.INT64))))));
        }
        Operator grouped = plan.op(plan.op(plan.op().setScan(merged).build()).setHashAgg(partial).build()).setHashAgg(fin).build();
        LOG.debug("{} join {}: in {} shares split on {}", j.getJoinType(), j.getId(), plan.parallelism, target.getTable().getQualifiedName());
        if (!anti) {
            return grouped;
        }
        // unmatched in every share: each of the plan's shares returned the row (a share with no slices returns all)
        Expr count = Expr.newBuilder().setBound(org.apache.comet.serde.ExprOuterClass.BoundReference.newBuilder().setIndex(types.size())
                .setDatatype(CometTypes.id(DataTypeId.INT64))).build();
        Expr n = Expr.newBuilder().setLiteral(Literal.newBuilder().setLongVal(plan.parallelism).setDatatype(CometTypes.id(DataTypeId.INT64))).build();
        Operator everyShare = plan.op(grouped).setFilter(org.apache.comet.serde.OperatorOuterClass.Filter.newBuilder()
                .setPredicate(Expr.newBuilder().setEq(BinaryExpr.newBuilder().setLeft(count).setRight(n)))).build();
        Projection.Builder columns = Projection.newBuilder();
        for (int k = 0; k < types.size(); k++) {
            columns.addProjectList(PlanLowering.bound(k, types.get(k)));
        }
        return plan.op(everyShare).setProjection(columns).build();
    }
}
