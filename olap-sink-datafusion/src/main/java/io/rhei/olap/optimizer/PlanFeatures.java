package io.rhei.olap.optimizer;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;

/**
 * What a plan holds that some passes exist for: subqueries, correlation, INTERSECT or EXCEPT, window functions. A
 * pass over a plan without its construct rewrites nothing, yet a Hep program still copies the whole plan into its graph
 * and back: skipping such passes is a third of the optimiser's time on TPC-H.
 */
record PlanFeatures(boolean subQueries, boolean correlation, boolean intersectOrExcept, boolean windows) {

    static PlanFeatures of(RelNode rel) {
        Finder finder = new Finder();
        finder.go(rel);
        return new PlanFeatures(finder.subQueries, finder.correlation, finder.setOps, finder.windows);
    }

    private static final class Finder extends RelVisitor {
        boolean subQueries;
        boolean correlation;
        boolean setOps;
        boolean windows;

        private final RexShuttle expressions = new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                subQueries = true;
                return subQuery; // its own plan is planned when the subquery becomes a join
            }

            @Override
            public RexNode visitOver(RexOver over) {
                windows = true;
                return super.visitOver(over);
            }

            @Override
            public RexNode visitCorrelVariable(RexCorrelVariable variable) {
                correlation = true;
                return variable;
            }
        };

        @Override
        public void visit(RelNode node, int ordinal, RelNode parent) {
            if (node instanceof Correlate) {
                correlation = true;
            } else if (node instanceof Intersect || node instanceof Minus) {
                setOps = true;
            }
            node.accept(expressions);
            super.visit(node, ordinal, parent);
        }
    }
}
