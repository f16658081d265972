package io.rhei.olap.optimizer;

import io.rhei.olap.stats.Cardinality;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.MultiJoin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inner multi-way joins are ordered by Rhei's estimates ({@link JoinOrdering}); those with outer joins by Calcite's
 * heuristic ordering.
 */
public final class JoinOrder {
    private static final Logger LOG = LoggerFactory.getLogger(JoinOrder.class);

    private JoinOrder() {
    }

    public static RelNode rewrite(RelNode rel, Cardinality cardinality) {
        HepProgramBuilder b = new HepProgramBuilder();
        b.addMatchOrder(HepMatchOrder.BOTTOM_UP);
        b.addRuleInstance(CoreRules.JOIN_TO_MULTI_JOIN);
        b.addRuleInstance(CoreRules.PROJECT_MULTI_JOIN_MERGE);
        b.addRuleInstance(CoreRules.FILTER_MULTI_JOIN_MERGE);
        HepPlanner toMulti = new HepPlanner(b.build());
        toMulti.setRoot(rel);
        RelNode multi = toMulti.findBestExp().accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                if (visited instanceof MultiJoin mj) {
                    if (JoinOrdering.applies(mj)) {
                        return JoinOrdering.reorder(mj, cardinality);
                    }
                    LOG.debug("join of {} inputs left to Calcite's ordering (outer joins): {}", mj.getInputs().size(), mj);
                }
                return visited;
            }
        });
        HepProgramBuilder opt = new HepProgramBuilder();
        opt.addRuleInstance(CoreRules.MULTI_JOIN_OPTIMIZE);
        HepPlanner ordering = new HepPlanner(opt.build());
        ordering.setRoot(multi);
        return ordering.findBestExp();
    }
}
