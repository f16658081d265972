package io.rhei.olap.optimizer;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns {@code [NOT] EXISTS (SELECT ... FROM r WHERE <conditions on r and the outer row>)} among a WHERE clause's
 * conjuncts into a semi (anti) join of the outer rows with {@code r} on those conditions. Calcite's general
 * decorrelation computes the distinct outer keys first and joins them back (TPC-H Q21 read lineitem five times);
 * the semi join reads {@code r} once and keeps, per outer row, whether a partner satisfies the condition, which is
 * exactly EXISTS (a condition that is NULL has no partner, so NOT EXISTS keeps the row, as in SQL). Subqueries of
 * any other shape are left to Calcite.
 */
public final class ExistsToSemiJoin {
    private ExistsToSemiJoin() {
    }

    public static RelNode rewrite(RelNode root) {
        return root.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                return visited instanceof LogicalFilter f ? rewrite(f) : visited;
            }
        });
    }

    /** One EXISTS (semi) or NOT EXISTS (anti) as a join of the filter's input with {@code right}. */
    private record SubqueryJoin(RelNode right, RexNode condition, JoinRelType type) {
    }

    private static RelNode rewrite(LogicalFilter filter) {
        RexBuilder rexBuilder = filter.getCluster().getRexBuilder();
        List<RexNode> rest = new ArrayList<>();
        List<SubqueryJoin> joins = new ArrayList<>();
        int width = filter.getInput().getRowType().getFieldCount();
        for (RexNode c : RelOptUtil.conjunctions(filter.getCondition())) {
            boolean negated = c.getKind() == SqlKind.NOT;
            RexNode inner = negated ? ((RexCall) c).getOperands().get(0) : c;
            if (inner instanceof RexSubQuery sq && sq.getKind() == SqlKind.EXISTS && filter.getVariablesSet().size() == 1) {
                CorrelationId id = filter.getVariablesSet().iterator().next();
                RelNode[] right = new RelNode[1];
                RexNode condition = asJoin(sq.rel, id, width, rexBuilder, right);
                if (condition != null) {
                    joins.add(new SubqueryJoin(right[0], condition, negated ? JoinRelType.ANTI : JoinRelType.SEMI));
                    continue;
                }
            }
            rest.add(c);
        }
        if (joins.isEmpty()) {
            return filter;
        }
        // the other conditions stay right above the input, where Calcite pushes them into its joins
        RelNode result = rest.isEmpty() ? filter.getInput()
                : LogicalFilter.create(filter.getInput(), RexUtil.composeConjunction(rexBuilder, rest),
                        com.google.common.collect.ImmutableSet.copyOf(filter.getVariablesSet()));
        for (SubqueryJoin j : joins) {
            result = LogicalJoin.create(result, j.right(), List.of(), j.condition(), Set.of(), j.type());
        }
        return result;
    }

    /**
     * The join condition equivalent to EXISTS over {@code sub} (outer fields first, then the subquery's), with the
     * subquery's uncorrelated rows in {@code right[0]}; null when {@code sub} is not a filter (under projections)
     * whose correlated conjuncts reference the outer row through {@code id} only.
     */
    private static RexNode asJoin(RelNode sub, CorrelationId id, int width, RexBuilder rexBuilder, RelNode[] right) {
        RelNode r = sub;
        while (r instanceof Project) {
            r = r.getInput(0); // EXISTS does not look at the select list
        }
        if (!(r instanceof Filter f) || !RelOptUtil.getVariablesUsed(f.getInput()).isEmpty()) {
            return null;
        }
        List<RexNode> correlated = new ArrayList<>();
        List<RexNode> plain = new ArrayList<>();
        for (RexNode c : RelOptUtil.conjunctions(f.getCondition())) {
            if (RexUtil.SubQueryFinder.find(c) != null) {
                return null;
            }
            Set<CorrelationId> used = correlationsIn(c, width);
            if (used == null) {
                return null;
            }
            if (used.isEmpty()) {
                plain.add(c);
            } else if (used.equals(Set.of(id))) {
                correlated.add(c);
            } else {
                return null;
            }
        }
        if (correlated.isEmpty()) {
            return null;
        }
        right[0] = plain.isEmpty() ? f.getInput() : LogicalFilter.create(f.getInput(), RexUtil.composeConjunction(rexBuilder, plain));
        RexShuttle toJoinFields = new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(width + ref.getIndex(), ref.getType());
            }

            @Override
            public RexNode visitFieldAccess(RexFieldAccess access) {
                if (access.getReferenceExpr() instanceof RexCorrelVariable) {
                    return new RexInputRef(access.getField().getIndex(), access.getType());
                }
                return super.visitFieldAccess(access);
            }
        };
        return RexUtil.composeConjunction(rexBuilder, correlated).accept(toJoinFields);
    }

    /** The correlation variables {@code e} uses; null when one is not a row of the filter's input. */
    private static Set<CorrelationId> correlationsIn(RexNode e, int width) {
        Set<CorrelationId> ids = new java.util.HashSet<>();
        boolean[] foreign = {false};
        e.accept(new org.apache.calcite.rex.RexVisitorImpl<Void>(true) {
            @Override
            public Void visitCorrelVariable(RexCorrelVariable v) {
                ids.add(v.id);
                foreign[0] |= v.getType().getFieldCount() != width;
                return null;
            }
        });
        return foreign[0] ? null : ids;
    }
}
