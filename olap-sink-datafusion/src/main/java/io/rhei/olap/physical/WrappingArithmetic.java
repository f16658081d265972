package io.rhei.olap.physical;

import org.apache.comet.serde.ExprOuterClass.EvalMode;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.MathExpr;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.Types.DataType.DataTypeId;

/**
 * Integer arithmetic in wrapping (LEGACY) mode, for expressions Rhei builds itself rather than lowers from SQL: the
 * hashes of shares by key ({@link KeySharedAggregate}) want the low bits of a product, and the bounds of shares by
 * key range ({@link KeyRangeShares}) are computed from constants that never overflow.
 */
final class WrappingArithmetic {
    private WrappingArithmetic() {
    }

    static Expr add(Expr a, Expr b, DataTypeId type) {
        return Expr.newBuilder().setAdd(math(a, b, type)).build();
    }

    static Expr times(Expr a, Expr b, DataTypeId type) {
        return Expr.newBuilder().setMultiply(math(a, b, type)).build();
    }

    static MathExpr math(Expr a, Expr b, DataTypeId type) {
        return MathExpr.newBuilder().setLeft(a).setRight(b).setReturnType(CometTypes.id(type)).setEvalMode(EvalMode.LEGACY).build();
    }

    /** {@code v} as a literal of {@code type} (INT64, or INT32 for any other). */
    static Expr literal(long v, DataTypeId type) {
        Literal.Builder l = Literal.newBuilder().setDatatype(CometTypes.id(type));
        return Expr.newBuilder().setLiteral(type == DataTypeId.INT64 ? l.setLongVal(v) : l.setIntVal((int) v)).build();
    }
}
