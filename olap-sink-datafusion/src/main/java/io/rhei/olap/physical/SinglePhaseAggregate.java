package io.rhei.olap.physical;

import org.apache.calcite.rel.core.Aggregate;
import org.apache.comet.serde.ExprOuterClass.AggExpr;
import org.apache.comet.serde.ExprOuterClass.CaseWhen;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.UnaryExpr;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.OperatorOuterClass.HashAggregate;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Projection;
import org.apache.comet.serde.Types.DataType.DataTypeId;

/**
 * A grouped aggregation with about as many groups as rows (TPC-H Q18: 1.5M orders from 6M lineitems) hashes its
 * groups twice when it runs as two phases in one plan: the partial phase keeps nearly every group, and the final
 * phase hashes them all again (a third of Q18's time). Such an aggregation runs as the final phase alone, over its
 * input rows written as one-row partial states: a sum's state is the value and whether it is empty (NULL), a count's
 * is 1 or 0, a minimum's or maximum's is the value. Used only where every aggregate's state is known that way (the
 * decimal SUM, COUNT, MIN, MAX); any other aggregate keeps the two phases.
 */
final class SinglePhaseAggregate {
    /** The estimated groups must be at least this share of the input rows. */
    private static final double GROUPS_PER_ROW = 0.1;

    private SinglePhaseAggregate() {
    }

    /**
     * The final phase {@code fin} over {@code child}'s rows as partial states of {@code partial}'s aggregates; null
     * when it does not pay or an aggregate's state is not known.
     */
    static Operator lower(PlanLowering plan, Aggregate a, Operator child, HashAggregate.Builder partial, HashAggregate.Builder fin) {
        if (partial.getGroupingExprsCount() == 0 || plan.cardinality.rows(a) < GROUPS_PER_ROW * plan.cardinality.rows(a.getInput())) {
            return null;
        }
        Projection.Builder states = Projection.newBuilder();
        partial.getGroupingExprsList().forEach(states::addProjectList);
        for (AggExpr e : partial.getAggExprsList()) {
            if (!addState(e, states)) {
                return null;
            }
        }
        Operator rows = plan.op(child).setProjection(states).build();
        return plan.op(rows).setHashAgg(fin).build();
    }

    /** Adds the columns of one row's partial state of {@code e}; false when that state is not known here. */
    private static boolean addState(AggExpr e, Projection.Builder states) {
        if (e.hasCount() && e.getCount().getChildrenCount() == 1) {
            Expr c = e.getCount().getChildren(0);
            states.addProjectList(c.hasLiteral() && !c.getLiteral().getIsNull() ? longLiteral(1)
                    : Expr.newBuilder().setCaseWhen(CaseWhen.newBuilder().addWhen(isNull(c)).addThen(longLiteral(0)).setElseExpr(longLiteral(1))).build());
            return true;
        }
        if (e.hasSum() && e.getSum().getDatatype().getTypeId() == DataTypeId.DECIMAL) {
            // the decimal sum's state: (sum, is_empty); a NULL value is an empty state the merge skips
            Expr c = e.getSum().getChild();
            // the state has the sum's type; the sum's argument may be a narrower decimal of the same scale
            Expr state = c.hasBound() && c.getBound().getDatatype().equals(e.getSum().getDatatype()) ? c : PlanLowering.castExpr(c, e.getSum().getDatatype());
            states.addProjectList(state).addProjectList(isNull(c));
            return true;
        }
        if (e.hasMin()) {
            states.addProjectList(e.getMin().getChild());
            return true;
        }
        if (e.hasMax()) {
            states.addProjectList(e.getMax().getChild());
            return true;
        }
        return false;
    }

    private static Expr isNull(Expr e) {
        return Expr.newBuilder().setIsNull(UnaryExpr.newBuilder().setChild(e)).build();
    }

    private static Expr longLiteral(long v) {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setLongVal(v).setDatatype(CometTypes.id(DataTypeId.INT64))).build();
    }
}
