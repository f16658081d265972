package io.rhei.olap.physical;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlKind;
import org.apache.comet.serde.ExprOuterClass.AggExpr;
import org.apache.comet.serde.OperatorOuterClass.AggregateMode;
import org.apache.comet.serde.OperatorOuterClass.HashAggregate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The native aggregates of one aggregation: each in its partial and its final form, with the type of its partial
 * result and the aggregate that merges the results of several shares. Each distinct partial aggregate is computed
 * once: TPC-H Q1's {@code sum(l_quantity)} and {@code avg(l_quantity)} both need the sum of one column, and its
 * counts of columns without NULLs are all {@code count(*)}.
 */
final class NativeAggregates {
    final HashAggregate.Builder partial = HashAggregate.newBuilder().setMode(AggregateMode.Partial);
    final HashAggregate.Builder fin = HashAggregate.newBuilder().setMode(AggregateMode.Final);
    /** Per native aggregate: the type of its partial result. */
    final List<RelDataType> partTypes = new ArrayList<>();
    /** Per native aggregate: the aggregate over the shares' partial results (null: they do not merge). */
    final List<SqlKind> merges = new ArrayList<>();
    /** The grouped decimal sums whose overflow is checked ({@link DecimalSumGuard#checkedGroup}). */
    final List<SumCheck> sumChecks = new ArrayList<>();
    private final Map<AggExpr, Integer> columns = new HashMap<>();
    private final int groups;

    NativeAggregates(int groups) {
        this.groups = groups;
    }

    /**
     * The output column (group columns first) of the partial aggregate {@code p}, whose final form is {@code f}:
     * added, unless an equal partial aggregate was.
     */
    int add(AggExpr p, AggExpr f, RelDataType partType, SqlKind merge) {
        Integer column = columns.get(p);
        if (column != null) {
            return column;
        }
        partial.addAggExprs(p);
        fin.addAggExprs(f);
        partTypes.add(partType);
        merges.add(merge);
        int added = groups + partial.getAggExprsCount() - 1;
        columns.put(p, added);
        return added;
    }

    boolean mergeable() {
        return !merges.contains(null);
    }

    /** A grouped decimal sum's output column and the column that counts its values. */
    record SumCheck(int sum, int count) {
    }
}
