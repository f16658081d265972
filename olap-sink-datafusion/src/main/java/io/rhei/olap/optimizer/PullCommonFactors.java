package io.rhei.olap.optimizer;

import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;

/**
 * {@code (a AND x) OR (a AND y)} becomes {@code a AND (x OR y)} in every filter, so that a join condition repeated in
 * each branch of an OR (TPC-H Q19) becomes a hash-join key instead of a filter over all pairs.
 */
public final class PullCommonFactors {
    private PullCommonFactors() {
    }

    public static RelNode rewrite(RelNode rel) {
        return rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                if (visited instanceof LogicalFilter f) {
                    RexNode pulled = RexUtil.pullFactors(f.getCluster().getRexBuilder(), f.getCondition());
                    if (!pulled.equals(f.getCondition())) {
                        return f.copy(f.getTraitSet(), f.getInput(), pulled);
                    }
                }
                return visited;
            }
        });
    }
}
