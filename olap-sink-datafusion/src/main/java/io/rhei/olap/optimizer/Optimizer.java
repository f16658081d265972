package io.rhei.olap.optimizer;

import io.rhei.olap.stats.Cardinality;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.tools.RelBuilder;

/**
 * The optimiser: one ordered program of passes from the validated logical plan to the plan that is lowered. Rhei's
 * own passes are a class each in this package; the others are Calcite's rules, named where they run.
 */
public final class Optimizer {
    private Optimizer() {
    }

    public static RelNode optimize(RelNode rel, Cardinality cardinality) {
        RelBuilder relBuilder = RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null);
        // [NOT] EXISTS with a correlated filter becomes a semi (anti) join; other subqueries (IN, EXISTS, scalar)
        // become correlates, then joins and aggregates.
        rel = ExistsToSemiJoin.rewrite(rel);
        PlanFeatures features = PlanFeatures.of(rel);
        if (features.subQueries()) {
            rel = hep(rel, CoreRules.FILTER_SUB_QUERY_TO_CORRELATE, CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE, CoreRules.JOIN_SUB_QUERY_TO_CORRELATE);
        }
        if (features.subQueries() || features.correlation()) {
            rel = RelDecorrelator.decorrelateQuery(rel, relBuilder);
        }
        rel = GroupingSetsToUnion.rewrite(rel, relBuilder);
        rel = PullCommonFactors.rewrite(rel);
        rel = NotEqualsToNotIn.rewrite(rel);
        // Constant expressions (DATE '1998-12-01' - INTERVAL '90' DAY) fold to literals before lowering.
        rel = hep(rel, CoreRules.FILTER_REDUCE_EXPRESSIONS, ProjectReduceKeepingBpchar.INSTANCE, CoreRules.JOIN_REDUCE_EXPRESSIONS);
        // INTERSECT and EXCEPT (not ALL) become a UNION ALL of the branches, counted per branch by an aggregate
        if (features.intersectOrExcept()) {
            rel = hep(rel, CoreRules.INTERSECT_TO_DISTINCT, CoreRules.MINUS_TO_DISTINCT);
        }
        rel = hep(rel, CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES_TO_JOIN, CoreRules.UNION_TO_DISTINCT,
                CoreRules.FILTER_INTO_JOIN, CoreRules.JOIN_CONDITION_PUSH, CoreRules.FILTER_MERGE);
        // Join order by Rhei's estimates from column statistics, not the FROM order.
        rel = JoinOrder.rewrite(rel, cardinality);
        rel = SemiJoinBeforeAggregate.rewrite(rel, cardinality);
        rel = new RelFieldTrimmer(null, relBuilder).trim(rel);
        rel = AggregateBeforeOuterJoin.rewrite(rel, cardinality, relBuilder);
        rel = SingleValueCheckedAfterJoin.rewrite(rel);
        RelNode summed = SumsOfOffsetsFromOneSum.rewrite(rel, relBuilder);
        if (summed != rel) {
            rel = new RelFieldTrimmer(null, relBuilder).trim(summed); // the sums' x + c are computed no more
        }
        rel = hep(rel, CoreRules.FILTER_MERGE, CoreRules.PROJECT_MERGE, CoreRules.PROJECT_REMOVE);
        rel = CountOverNarrowestColumn.rewrite(rel, relBuilder);
        RelNode guarded = FilteredAggregateArguments.rewrite(rel);
        boolean trimmedAgain = guarded != rel;
        if (trimmedAgain) {
            // the arguments it guarded are no longer read unguarded: computed on every row, they would still fail
            rel = new RelFieldTrimmer(null, relBuilder).trim(guarded);
        }
        if (features.windows()) {
            rel = hep(rel, CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW);
        }
        if (features.windows() || trimmedAgain) {
            rel = hep(rel, CoreRules.PROJECT_REMOVE); // what the passes since the last one left
        }
        return rel;
    }

    private static RelNode hep(RelNode rel, RelOptRule... rules) {
        HepProgramBuilder b = new HepProgramBuilder();
        for (RelOptRule r : rules) {
            b.addRuleInstance(r);
        }
        HepPlanner hep = new HepPlanner(b.build());
        hep.setRoot(rel);
        return hep.findBestExp();
    }
}
