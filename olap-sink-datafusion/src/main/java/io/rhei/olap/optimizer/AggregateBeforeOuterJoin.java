package io.rhei.olap.optimizer;

import io.rhei.olap.stats.Cardinality;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code SELECT c.id, count(o.x) FROM c LEFT JOIN o ON c.k = o.k GROUP BY c.id}, where the groups are the rows of
 * {@code c} (its unique key is grouped) and the aggregates read only {@code o}: each group is one row of {@code c}
 * with its partners in {@code o}, so {@code o} can be aggregated per join key first and joined afterwards, one row to
 * one: {@code c LEFT JOIN (SELECT k, count(x) FROM o GROUP BY k)}. A row of {@code c} without partners gets what the
 * aggregate gives its one NULL-extended row: COUNT(x) 0, COUNT(*) 1, SUM, MIN and MAX NULL. The aggregation then
 * reads one table, which runs in shares, and the join meets one row per key (TPC-H Q13: orders per customer).
 * Only when most of {@code o}'s rows have a partner: otherwise aggregating all of {@code o} costs more than the join.
 */
public final class AggregateBeforeOuterJoin {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AggregateBeforeOuterJoin.class);
    /** The join must keep at least this share of the aggregated side's rows. */
    private static final double MATCHED_SHARE = 0.5;

    private AggregateBeforeOuterJoin() {
    }

    public static RelNode rewrite(RelNode root, Cardinality cardinality, RelBuilder relBuilder) {
        return root.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                if (visited instanceof Aggregate a) {
                    RelNode rewritten = rewrite(a, cardinality, relBuilder);
                    return rewritten == null ? visited : rewritten;
                }
                return visited;
            }
        });
    }

    private static RelNode rewrite(Aggregate agg, Cardinality cardinality, RelBuilder b) {
        if (agg.getGroupType() != Aggregate.Group.SIMPLE || agg.getGroupCount() == 0 || agg.getAggCallList().isEmpty()) {
            return null;
        }
        // the aggregate's input columns as the join's: through a projection of plain columns, if there is one
        RelNode input = agg.getInput();
        List<Integer> toJoin = new ArrayList<>();
        if (input instanceof Project p) {
            for (RexNode e : p.getProjects()) {
                if (!(e instanceof RexInputRef r)) {
                    return null;
                }
                toJoin.add(r.getIndex());
            }
            input = p.getInput();
        }
        if (!(input instanceof Join join) || (join.getJoinType() != JoinRelType.LEFT && join.getJoinType() != JoinRelType.RIGHT)) {
            return null;
        }
        if (toJoin.isEmpty()) {
            for (int i = 0; i < join.getRowType().getFieldCount(); i++) {
                toJoin.add(i);
            }
        }
        JoinInfo info = join.analyzeCondition();
        if (!info.isEqui() || info.leftKeys.isEmpty()) {
            return null;
        }
        boolean keptLeft = join.getJoinType() == JoinRelType.LEFT;
        RelNode kept = keptLeft ? join.getLeft() : join.getRight();
        RelNode aggregated = keptLeft ? join.getRight() : join.getLeft();
        int leftWidth = join.getLeft().getRowType().getFieldCount();
        int keptOffset = keptLeft ? 0 : leftWidth;
        int aggregatedOffset = keptLeft ? leftWidth : 0;
        int keptWidth = kept.getRowType().getFieldCount();
        int aggregatedWidth = aggregated.getRowType().getFieldCount();
        List<Integer> keptKeys = keptLeft ? info.leftKeys : info.rightKeys;
        List<Integer> aggregatedKeys = keptLeft ? info.rightKeys : info.leftKeys;

        // the groups: columns of the kept side that are unique in it, so that each group is one of its rows
        List<Integer> groups = new ArrayList<>();
        for (int g : agg.getGroupSet()) {
            int c = toJoin.get(g) - keptOffset;
            if (c < 0 || c >= keptWidth) {
                return null;
            }
            groups.add(c);
        }
        if (!Boolean.TRUE.equals(agg.getCluster().getMetadataQuery().areColumnsUnique(kept, ImmutableBitSet.of(groups)))) {
            return null;
        }
        // the aggregates: COUNT, SUM, $SUM0, MIN, MAX of the aggregated side's columns, or COUNT(*)
        for (AggregateCall call : agg.getAggCallList()) {
            if (call.isDistinct() || call.filterArg >= 0 || call.getArgList().size() > 1 || !call.getCollation().getFieldCollations().isEmpty()) {
                return null;
            }
            SqlKind kind = call.getAggregation().getKind();
            if (kind != SqlKind.COUNT && kind != SqlKind.SUM && kind != SqlKind.SUM0 && kind != SqlKind.MIN && kind != SqlKind.MAX) {
                return null;
            }
            if (kind != SqlKind.COUNT && call.getArgList().isEmpty()) {
                return null;
            }
            for (int arg : call.getArgList()) {
                int c = toJoin.get(arg) - aggregatedOffset;
                if (c < 0 || c >= aggregatedWidth) {
                    return null;
                }
            }
        }
        // worth it when most aggregated rows have a partner: else the join would have dropped most of them first
        if (cardinality.rows(join) < MATCHED_SHARE * cardinality.rows(aggregated)) {
            return null;
        }

        // aggregated side, per join key: the keys (in ascending column order, as GROUP BY puts them), then the calls
        ImmutableBitSet keySet = ImmutableBitSet.of(aggregatedKeys);
        if (keySet.cardinality() != aggregatedKeys.size()) {
            return null;
        }
        b.push(aggregated);
        List<RelBuilder.AggCall> calls = new ArrayList<>();
        for (AggregateCall call : agg.getAggCallList()) {
            List<RexNode> args = new ArrayList<>();
            for (int arg : call.getArgList()) {
                args.add(b.field(toJoin.get(arg) - aggregatedOffset));
            }
            SqlKind kind = call.getAggregation().getKind();
            calls.add(switch (kind) {
                case COUNT -> b.count(false, null, args);
                case SUM -> b.sum(false, null, args.get(0));
                case SUM0 -> b.aggregateCall(SqlStdOperatorTable.SUM0, args);
                case MIN -> b.min(args.get(0));
                default -> b.max(args.get(0));
            });
        }
        b.aggregate(b.groupKey(keySet), calls);
        RelNode perKey = b.build();

        // kept side LEFT JOIN the per-key rows, on the same keys
        RexBuilder rex = agg.getCluster().getRexBuilder();
        b.push(kept).push(perKey);
        List<RexNode> on = new ArrayList<>();
        for (int k = 0; k < keptKeys.size(); k++) {
            int perKeyColumn = keySet.indexOf(aggregatedKeys.get(k));
            on.add(b.equals(b.field(2, 0, keptKeys.get(k)), b.field(2, 1, perKeyColumn)));
        }
        b.join(JoinRelType.LEFT, on);

        // the aggregate's columns: its groups, then each call's value for the row's partners (or for none)
        List<RexNode> out = new ArrayList<>();
        for (int g : groups) {
            out.add(b.field(g));
        }
        int firstCall = keptWidth + keySet.cardinality();
        for (int i = 0; i < agg.getAggCallList().size(); i++) {
            AggregateCall call = agg.getAggCallList().get(i);
            RexNode value = b.field(firstCall + i);
            SqlKind kind = call.getAggregation().getKind();
            RexNode none = kind == SqlKind.COUNT ? rex.makeExactLiteral(java.math.BigDecimal.valueOf(call.getArgList().isEmpty() ? 1 : 0))
                    : kind == SqlKind.SUM0 ? rex.makeZeroLiteral(call.getType()) : null;
            if (none != null) {
                value = b.call(SqlStdOperatorTable.CASE, b.isNull(value), none, value);
            }
            out.add(matching(rex, value, call.getType()));
        }
        List<String> names = agg.getRowType().getFieldNames();
        LOG.debug("aggregate {}: the {} join's other side aggregated per join key first", agg.getId(), join.getJoinType());
        return b.project(out, names, true).build();
    }

    /** {@code e} as {@code type}: cast only where the type (or its nullability) differs. */
    private static RexNode matching(RexBuilder rex, RexNode e, RelDataType type) {
        return e.getType().equals(type) ? e : rex.makeAbstractCast(type, e, false);
    }
}
