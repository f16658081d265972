package io.rhei.olap.optimizer;

import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.ReduceExpressionsRule;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.sql.type.SqlTypeName;

import java.util.ArrayList;
import java.util.List;

/**
 * Calcite's constant reduction of a projection, except that what its input's filters say of a char(n) column is
 * not taken for the column's value: under PostgreSQL's bpchar equality {@code c = 'ab'} holds for the stored
 * {@code 'ab    '}, so a projected {@code c} is not the constant {@code 'ab'} (Calcite printed {@code 'ab'} where
 * PostgreSQL prints the padded value).
 */
final class ProjectReduceKeepingBpchar extends ReduceExpressionsRule.ProjectReduceExpressionsRule {
    static final ProjectReduceKeepingBpchar INSTANCE = new ProjectReduceKeepingBpchar();

    private ProjectReduceKeepingBpchar() {
        super(CoreRules.PROJECT_REDUCE_EXPRESSIONS.config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Project project = call.rel(0);
        RelOptPredicateList pulled = call.getMetadataQuery().getPulledUpPredicates(project.getInput());
        List<RexNode> kept = new ArrayList<>();
        for (RexNode p : pulled.pulledUpPredicates) {
            if (!readsChar(p)) {
                kept.add(p);
            }
        }
        RelOptPredicateList predicates = kept.size() == pulled.pulledUpPredicates.size() ? pulled
                : RelOptPredicateList.of(project.getCluster().getRexBuilder(), kept);
        List<RexNode> exps = new ArrayList<>(project.getProjects());
        if (reduceExpressions(project, exps, predicates, false, config.matchNullability(), config.treatDynamicCallsAsConstant())) {
            call.transformTo(call.builder().push(project.getInput()).project(exps, project.getRowType().getFieldNames()).build());
            call.getPlanner().prune(project);
        }
    }

    private static boolean readsChar(RexNode predicate) {
        boolean[] found = {false};
        predicate.accept(new RexVisitorImpl<Void>(true) {
            @Override
            public Void visitInputRef(RexInputRef ref) {
                if (ref.getType().getSqlTypeName() == SqlTypeName.CHAR) {
                    found[0] = true;
                }
                return null;
            }
        });
        return found[0];
    }
}
