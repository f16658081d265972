package io.rhei.olap.optimizer;

import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * GROUPING SETS, ROLLUP and CUBE as a UNION ALL of one plain aggregation per grouping set: the columns a set does not
 * group by are NULL in its rows, and {@code grouping(...)} is the constant bit mask of the set (a bit 1 for each
 * argument not grouped, first argument highest), as in PostgreSQL.
 */
public final class GroupingSetsToUnion {
    private GroupingSetsToUnion() {
    }

    public static RelNode rewrite(RelNode rel, RelBuilder builder) {
        return rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                if (visited instanceof Aggregate a && a.getGroupType() != Aggregate.Group.SIMPLE) {
                    return expand(a, builder);
                }
                return visited;
            }
        });
    }

    private static RelNode expand(Aggregate a, RelBuilder b) {
        RexBuilder rex = a.getCluster().getRexBuilder();
        List<Integer> keys = a.getGroupSet().asList();
        List<RelDataTypeField> out = a.getRowType().getFieldList();
        List<AggregateCall> plain = new ArrayList<>();
        for (AggregateCall call : a.getAggCallList()) {
            if (!isGrouping(call)) {
                plain.add(call);
            }
        }
        for (ImmutableBitSet set : a.getGroupSets()) {
            b.push(a.getInput());
            b.aggregate(b.groupKey(set), plain.stream().map(c -> b.aggregateCall(c)).toList());
            List<Integer> setKeys = set.asList();
            List<RexNode> row = new ArrayList<>();
            int o = 0;
            for (int key : keys) {
                RexNode v = set.get(key) ? b.field(setKeys.indexOf(key)) : rex.makeNullLiteral(out.get(o).getType());
                row.add(rex.makeCast(out.get(o).getType(), v, true, false));
                o++;
            }
            int next = setKeys.size();
            for (AggregateCall call : a.getAggCallList()) {
                RexNode v;
                if (isGrouping(call)) {
                    long mask = 0;
                    for (int arg : call.getArgList()) {
                        mask = (mask << 1) | (set.get(arg) ? 0 : 1);
                    }
                    v = rex.makeExactLiteral(BigDecimal.valueOf(mask));
                } else {
                    v = b.field(next++);
                }
                row.add(rex.makeCast(out.get(o).getType(), v, true, false));
                o++;
            }
            b.project(row, a.getRowType().getFieldNames(), true);
        }
        b.union(true, a.getGroupSets().size());
        return b.build();
    }

    private static boolean isGrouping(AggregateCall call) {
        SqlKind k = call.getAggregation().getKind();
        return k == SqlKind.GROUPING || k == SqlKind.GROUPING_ID || k == SqlKind.GROUP_ID;
    }
}
