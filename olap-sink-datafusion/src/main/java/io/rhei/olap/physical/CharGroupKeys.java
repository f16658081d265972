package io.rhei.olap.physical;

import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.ScalarFunc;
import org.apache.comet.serde.Types.DataType.DataTypeId;

/**
 * A group key that is a {@code char(1)} column (TPC-H Q1's {@code l_returnflag} and {@code l_linestatus}, a status
 * flag) is grouped by its character's code point, and the code point is turned back into the character after the
 * aggregation. The native engine hashes and compares strings as strings: Q1's filter and grouping by its two flags
 * took 108 ms where one integer key took 43 (two shares, SF 1). Exact because storage keeps every char(1) value as
 * exactly one character (blank-padded, {@code ArrowValues}), so the code point is the whole value; NULL stays NULL.
 * Only a key read unchanged from a table column qualifies: a computed char(1) has no such guarantee.
 */
final class CharGroupKeys {
    private CharGroupKeys() {
    }

    /** Whether input column {@code column} of {@code a}, one of its group keys, is grouped by its code point. */
    static boolean applies(Aggregate a, int column) {
        RelDataType t = a.getInput().getRowType().getFieldList().get(column).getType();
        if (t.getSqlTypeName() != SqlTypeName.CHAR || t.getPrecision() != 1) {
            return false;
        }
        RelColumnOrigin origin = a.getCluster().getMetadataQuery().getColumnOrigin(a.getInput(), column);
        return origin != null && !origin.isDerived();
    }

    /** The key grouped by: the code point of {@code value}'s one character, an int. */
    static Expr codePoint(Expr value) {
        return Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("ascii").addArgs(value)
                .setReturnType(CometTypes.id(DataTypeId.INT32))).build();
    }

    /** The character back from its code point {@code key} (an int column of the aggregation's output). */
    static Expr character(Expr key) {
        return Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("chr")
                .addArgs(PlanLowering.castExpr(key, CometTypes.id(DataTypeId.INT64))).setReturnType(CometTypes.id(DataTypeId.STRING))).build();
    }
}
