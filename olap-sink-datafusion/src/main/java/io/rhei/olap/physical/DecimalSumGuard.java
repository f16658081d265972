package io.rhei.olap.physical;

import io.rhei.olap.exec.NativeErrors;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.comet.serde.ExprOuterClass.AggExpr;
import org.apache.comet.serde.ExprOuterClass.BinaryExpr;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.ScalarFunc;
import org.apache.comet.serde.ExprOuterClass.Sum;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.OperatorOuterClass.Projection;
import org.apache.comet.serde.Types.DataType;
import org.apache.comet.serde.Types.DataType.DataTypeId;

import java.util.List;

/**
 * The native decimal SUM keeps its running total in its result's digits (at most 38) and, past them, answers NULL
 * (grouped) or leaves out the value that overflowed (ungrouped), where PostgreSQL's numeric answers the exact total.
 * A sum whose result has fewer than ten digits more than its argument can get there, and is guarded; the query then
 * fails with Rhei's numeric overflow error instead of answering (also when the total itself would have fitted: the
 * running sum may not have). With ten digits or more to spare (decimal(15, 2) sums in decimal(25, 2)) it takes 10^10
 * rows of the largest values, and no guard runs.
 * <ul>
 *   <li>Grouped, a group's native sum stays NULL once it overflowed, through every phase and merge: a NULL sum of a
 *       group that counted values is the overflow ({@link #checkedGroup}). It costs a count, which the plan often has.
 *   <li>Ungrouped, beside the sum runs the sum of the values' magnitudes in double ({@link #magnitudes}), and the
 *       overflow is where that reaches the result's limit ({@link #checked}). It costs a conversion of every value to
 *       double (a quarter of TPC-H Q1's time, when it guarded Q1's grouped sums too).
 * </ul>
 */
final class DecimalSumGuard {
    /** Digits the sum's type must have beyond its argument's for the sum to go unguarded. */
    private static final int UNGUARDED_HEADROOM = 10;

    private DecimalSumGuard() {
    }

    /** Whether a SUM (or the sum of an AVG) of {@code argType} in {@code sumType} needs the guard. */
    static boolean needed(RelDataType argType, RelDataType sumType) {
        return argType != null && argType.getSqlTypeName() == SqlTypeName.DECIMAL && sumType.getSqlTypeName() == SqlTypeName.DECIMAL
                && sumType.getPrecision() - argType.getPrecision() < UNGUARDED_HEADROOM;
    }

    /** The guard's aggregate over the arguments {@code arg}: the sum of their magnitudes, in double. */
    static AggExpr magnitudes(Expr arg) {
        DataType dbl = CometTypes.id(DataTypeId.DOUBLE);
        Expr magnitude = Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("abs").addArgs(PlanLowering.castExpr(arg, dbl))
                .setReturnType(dbl)).build();
        return merged(magnitude);
    }

    /** The guard's aggregate over partial sums of magnitudes {@code partials} (the final phase, or a merge of shares). */
    static AggExpr merged(Expr partials) {
        return AggExpr.newBuilder().setSum(Sum.newBuilder().setChild(partials).setDatatype(CometTypes.id(DataTypeId.DOUBLE))).build();
    }

    /** {@code result}, or the overflow error where the magnitudes in column {@code slot} reach {@code sumType}'s limit. */
    static Expr checked(Expr result, int slot, RelDataType sumType) {
        DataType dbl = CometTypes.id(DataTypeId.DOUBLE);
        Expr magnitudes = Expr.newBuilder().setBound(org.apache.comet.serde.ExprOuterClass.BoundReference.newBuilder().setIndex(slot)
                .setDatatype(dbl)).build();
        // just below 10^(integer digits): double rounding must not let a total past the limit through
        double limit = Math.pow(10, sumType.getPrecision() - sumType.getScale()) * (1 - 1e-9);
        Expr reaches = Expr.newBuilder().setGtEq(BinaryExpr.newBuilder().setLeft(magnitudes)
                .setRight(Expr.newBuilder().setLiteral(Literal.newBuilder().setDoubleVal(limit).setDatatype(dbl)))).build();
        return FunctionLowering.raisingWhen(reaches, result, NativeErrors.NUMERIC_OVERFLOW + " (a sum of values whose magnitudes add up to ",
                magnitudes);
    }

    /** {@code result}, or the overflow error where a group's sum {@code sum} is NULL though it counted values ({@code count > 0}). */
    static Expr checkedGroup(Expr result, Expr sum, Expr count) {
        Expr counted = Expr.newBuilder().setGt(BinaryExpr.newBuilder().setLeft(count)
                .setRight(Expr.newBuilder().setLiteral(Literal.newBuilder().setLongVal(0).setDatatype(CometTypes.id(DataTypeId.INT64))))).build();
        Expr overflowed = Expr.newBuilder().setAnd(BinaryExpr.newBuilder()
                .setLeft(Expr.newBuilder().setIsNull(org.apache.comet.serde.ExprOuterClass.UnaryExpr.newBuilder().setChild(sum))).setRight(counted)).build();
        return FunctionLowering.raisingWhen(overflowed, result, NativeErrors.NUMERIC_OVERFLOW + " (a group's sum of values numbering ", count);
    }

    /**
     * The columns of an aggregation's output (of {@code types}), each grouped sum among {@code checks} checked
     * ({@link #checkedGroup}): what each share returns, since the merge of the shares' sums would skip a NULL.
     */
    static Projection.Builder checkedColumns(List<RelDataType> types, List<NativeAggregates.SumCheck> checks) {
        Projection.Builder out = Projection.newBuilder();
        for (int c = 0; c < types.size(); c++) {
            out.addProjectList(PlanLowering.bound(c, types.get(c)));
        }
        for (NativeAggregates.SumCheck check : checks) {
            Expr sum = PlanLowering.bound(check.sum(), types.get(check.sum()));
            out.setProjectList(check.sum(), checkedGroup(sum, sum, PlanLowering.bound(check.count(), types.get(check.count()))));
        }
        return out;
    }
}
