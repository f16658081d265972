package io.rhei.olap.optimizer;

import io.rhei.olap.stats.Cardinality;

import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * In {@code Aggregate(GROUP BY k) JOIN small ON k = small.x}, the groups without a partner are computed and then
 * thrown away. When {@code small} is cheap to read twice and keeps few of the groups, its keys filter the
 * aggregation's input first: {@code Aggregate(input SEMI JOIN small ON input.k = small.x) JOIN small}. Each
 * surviving group sees exactly its own rows, so the result is the same. This is what a decorrelated per-key
 * subquery needs (TPC-H Q17: the average quantity per part over all of lineitem, 200,000 groups, for the 200
 * parts the outer query keeps).
 */
public final class SemiJoinBeforeAggregate {
    /**
     * The tables below the aggregation must hold at least this many times the rows {@code small} scans: reading
     * {@code small} again is paid once, the aggregation's cost grows with what it reads (TPC-H Q2: the minimum cost
     * per part over 800,000 part suppliers, for the 747 parts of one size and type, re-reading 200,000 parts).
     */
    private static final double INPUT_TO_SMALL_SCANS = 2;
    /** {@code small} must keep at most this share of the groups. */
    private static final double KEPT_GROUPS = 0.5;

    private SemiJoinBeforeAggregate() {
    }

    public static RelNode rewrite(RelNode root, Cardinality cardinality) {
        return root.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                return visited instanceof LogicalJoin j && j.getJoinType() == JoinRelType.INNER ? rewrite(j, cardinality) : visited;
            }
        });
    }

    private static RelNode rewrite(LogicalJoin join, Cardinality cardinality) {
        JoinInfo info = join.analyzeCondition();
        for (int side = 0; side < 2; side++) {
            RelNode aggSide = side == 0 ? join.getLeft() : join.getRight();
            RelNode small = side == 0 ? join.getRight() : join.getLeft();
            if (!(aggSide instanceof Aggregate agg) || agg.getGroupSets().size() != 1 || agg.getGroupCount() == 0) {
                continue;
            }
            List<Integer> aggKeys = side == 0 ? info.leftKeys : info.rightKeys;
            List<Integer> smallKeys = side == 0 ? info.rightKeys : info.leftKeys;
            RexBuilder rexBuilder = join.getCluster().getRexBuilder();
            int inputWidth = agg.getInput().getRowType().getFieldCount();
            List<RexNode> semiCondition = new ArrayList<>();
            for (int k = 0; k < aggKeys.size(); k++) {
                if (aggKeys.get(k) >= agg.getGroupCount()) {
                    continue;
                }
                int inputField = agg.getGroupSet().nth(aggKeys.get(k));
                RelDataType a = agg.getInput().getRowType().getFieldList().get(inputField).getType();
                RelDataType b = small.getRowType().getFieldList().get(smallKeys.get(k)).getType();
                if (!org.apache.calcite.sql.type.SqlTypeUtil.equalSansNullability(a, b)) {
                    continue;
                }
                semiCondition.add(rexBuilder.makeCall(SqlStdOperatorTable.EQUALS, rexBuilder.makeInputRef(a, inputField),
                        rexBuilder.makeInputRef(b, inputWidth + smallKeys.get(k))));
            }
            if (semiCondition.isEmpty()
                    || scannedRows(agg.getInput(), cardinality) < INPUT_TO_SMALL_SCANS * scannedRows(small, cardinality)
                    || cardinality.rows(small) > KEPT_GROUPS * cardinality.rows(agg)) {
                continue;
            }
            RelNode semi = LogicalJoin.create(agg.getInput(), small, List.of(), RexUtil.composeConjunction(rexBuilder, semiCondition),
                    Set.of(), JoinRelType.SEMI);
            RelNode filtered = agg.copy(agg.getTraitSet(), List.of(semi));
            return side == 0 ? join.copy(join.getTraitSet(), List.of(filtered, small)) : join.copy(join.getTraitSet(), List.of(small, filtered));
        }
        return join;
    }

    /** Rows of every table {@code rel} scans: what reading it a second time costs. */
    private static double scannedRows(RelNode rel, Cardinality cardinality) {
        if (rel instanceof TableScan) {
            return cardinality.rows(rel);
        }
        double sum = 0;
        for (RelNode in : rel.getInputs()) {
            sum += scannedRows(in, cardinality);
        }
        return sum;
    }
}
