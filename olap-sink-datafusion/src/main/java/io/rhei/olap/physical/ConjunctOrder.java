package io.rhei.olap.physical;

import io.rhei.olap.sql.Bpchar;
import io.rhei.olap.stats.Cardinality;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of a filter's conjuncts for the native engine. DataFusion evaluates {@code a AND b} by evaluating
 * {@code b} only on the rows {@code a} keeps when {@code a} keeps under a fifth of a batch, and does so by copying
 * every column of the batch and scattering the result back: for comparisons that cost less than that copy (TPC-H
 * Q6's date, discount and quantity ranges spent 60% of their time in it) the copy is the cost. So the conjuncts that
 * compare a column with constants, which are cheap and cannot fail, go first, the least selective first (the
 * conjunction is lowered right-deep, so the copy happens at most once, where a conjunct keeps few rows); the others
 * follow in their own order, so a guard stays before what it guards.
 */
final class ConjunctOrder {
    private ConjunctOrder() {
    }

    /** {@code condition} over {@code input}'s fields, its conjuncts reordered; itself when there is nothing to reorder. */
    static RexNode order(RexNode condition, RelNode input, Cardinality cardinality, RexBuilder rexBuilder) {
        List<RexNode> conjuncts = RexUtil.flattenAnd(List.of(condition));
        if (conjuncts.size() < 2) {
            return condition;
        }
        List<RexNode> cheap = new ArrayList<>();
        List<RexNode> others = new ArrayList<>();
        for (RexNode c : conjuncts) {
            (isCheap(c) ? cheap : others).add(c);
        }
        if (cheap.size() + (others.isEmpty() ? 0 : 1) < 2) {
            return condition;
        }
        List<double[]> keyed = new ArrayList<>();
        for (int i = 0; i < cheap.size(); i++) {
            keyed.add(new double[] {cardinality.selectivity(input, cheap.get(i)), i});
        }
        // least selective first; ties keep the query's order
        keyed.sort(Comparator.<double[]>comparingDouble(k -> -k[0]).thenComparingDouble(k -> k[1]));
        List<RexNode> ordered = new ArrayList<>();
        for (double[] k : keyed) {
            ordered.add(cheap.get((int) k[1]));
        }
        ordered.addAll(others);
        return ordered.equals(conjuncts) ? condition : rexBuilder.makeCall(SqlStdOperatorTable.AND, ordered);
    }

    /** A comparison, range or null test of a column with constants: evaluated on a whole batch, it cannot fail. */
    static boolean isCheap(RexNode node) {
        if (!(node instanceof RexCall call)) {
            return node instanceof RexInputRef;
        }
        return switch (call.getKind()) {
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL,
                 IS_DISTINCT_FROM, IS_NOT_DISTINCT_FROM, SEARCH, IS_NULL, IS_NOT_NULL -> {
                boolean column = false;
                for (RexNode op : call.getOperands()) {
                    RexNode inner = Bpchar.isImpliedVarcharCast(op) ? ((RexCall) op).getOperands().get(0) : op;
                    if (inner instanceof RexInputRef) {
                        column = true;
                    } else if (!isConstant(inner)) {
                        yield false;
                    }
                }
                yield column;
            }
            default -> false;
        };
    }

    /** A literal, or the cast of one (evaluated once, not per row). */
    private static boolean isConstant(RexNode node) {
        return node instanceof RexLiteral
                || node.getKind() == SqlKind.CAST && ((RexCall) node).getOperands().get(0) instanceof RexLiteral;
    }
}
