package io.rhei.olap.optimizer;

import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code x NOT IN (v1, ..., vn)} reaches the optimiser as {@code NOT (x = v1 OR ... OR x = vn)} (or as
 * {@code x <> v1 AND ...}), which Calcite's simplifier, pushing the NOT down, reduces term by term against all the
 * others: an 800-value list took minutes to plan. The comparisons of one expression with literals become one search
 * argument first ({@code x IN (...)}, under the NOT), which simplifies at once and runs as the native IN or NOT IN.
 * A NULL {@code x} is unknown either way, as in SQL.
 */
public final class NotEqualsToNotIn {
    private NotEqualsToNotIn() {
    }

    public static RelNode rewrite(RelNode rel) {
        return rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                RexBuilder rexBuilder = visited.getCluster().getRexBuilder();
                return visited.accept(new RexShuttle() {
                    @Override
                    public RexNode visitCall(RexCall call) {
                        RexNode c = super.visitCall(call);
                        if (c.getKind() == SqlKind.AND) {
                            return group(rexBuilder, (RexCall) c, SqlKind.NOT_EQUALS);
                        }
                        return c.getKind() == SqlKind.OR ? group(rexBuilder, (RexCall) c, SqlKind.EQUALS) : c;
                    }
                });
            }
        });
    }

    /** In {@code call} (an AND or an OR), the comparisons ({@code kind}) of one expression with 3+ literals become one IN list. */
    private static RexNode group(RexBuilder rexBuilder, RexCall call, SqlKind kind) {
        Map<RexNode, List<RexNode>> byOperand = new LinkedHashMap<>();
        for (RexNode term : call.getOperands()) {
            RexNode operand = comparedOperand(term, kind);
            if (operand != null) {
                byOperand.computeIfAbsent(operand, k -> new ArrayList<>()).add(((RexCall) term).getOperands().get(1));
            }
        }
        byOperand.values().removeIf(literals -> literals.size() <= 2);
        if (byOperand.isEmpty()) {
            return call;
        }
        List<RexNode> terms = new ArrayList<>();
        Set<RexNode> listed = new HashSet<>();
        for (RexNode term : call.getOperands()) {
            RexNode operand = comparedOperand(term, kind);
            if (operand == null || !byOperand.containsKey(operand)) {
                terms.add(term);
            } else if (listed.add(operand)) { // the list stands where its first term stood
                RexNode in = rexBuilder.makeIn(operand, byOperand.get(operand));
                terms.add(kind == SqlKind.EQUALS ? in : rexBuilder.makeCall(SqlStdOperatorTable.NOT, in));
            }
        }
        return kind == SqlKind.EQUALS ? RexUtil.composeDisjunction(rexBuilder, terms) : RexUtil.composeConjunction(rexBuilder, terms);
    }

    /** {@code x} of {@code x <> literal} ({@code x = literal}), a non-NULL literal of x's type family; or null. */
    private static RexNode comparedOperand(RexNode term, SqlKind kind) {
        if (term.getKind() != kind) {
            return null;
        }
        List<RexNode> ops = ((RexCall) term).getOperands();
        if (ops.get(0) instanceof RexLiteral || !(ops.get(1) instanceof RexLiteral lit) || lit.isNull()
                || ops.get(0).getType().getSqlTypeName().getFamily() != lit.getType().getSqlTypeName().getFamily()) {
            return null;
        }
        return ops.get(0);
    }
}
