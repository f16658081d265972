package io.rhei.olap.optimizer;

import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;

import java.util.ArrayList;
import java.util.List;

/**
 * A scalar subquery reaches the plan as a join with an aggregate of {@code SINGLE_VALUE(x)}, grouped by the
 * correlation keys. PostgreSQL fails ("more than one row returned by a subquery used as an expression") only when
 * the subquery is evaluated for an outer row and has several rows, not for a group no outer row meets. So the
 * aggregate gives {@code MAX(x)} and the group's row count, and the join's result is checked above the join, where
 * only met groups remain: {@link #CHECKED} returns the value, or fails when the count is above one.
 * <p>
 * The aggregate may sit under filters (pushed down from the join); they read the checked value. Subqueries the
 * planner proves single-row (at most one input row) keep {@code SINGLE_VALUE}; other shapes keep the check in
 * the aggregate, per group, which may fail for a group no outer row meets.
 */
public final class SingleValueCheckedAfterJoin {
    /** {@code rhei_checked_single_value(value, rowCount)}: the value, or PostgreSQL's error when rowCount > 1. */
    public static final SqlFunction CHECKED = new SqlFunction("RHEI_CHECKED_SINGLE_VALUE", SqlKind.OTHER_FUNCTION,
            ReturnTypes.ARG0_NULLABLE, null, OperandTypes.ANY_ANY, SqlFunctionCategory.SYSTEM);

    private SingleValueCheckedAfterJoin() {
    }

    public static RelNode rewrite(RelNode rel) {
        return rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                return visited instanceof Join join ? checked(join) : visited;
            }
        });
    }

    private static boolean uncertain(Aggregate a) {
        if (a.getGroupType() != Aggregate.Group.SIMPLE
                || a.getAggCallList().stream().noneMatch(c -> c.getAggregation().getKind() == SqlKind.SINGLE_VALUE)) {
            return false;
        }
        Double maxRows = a.getCluster().getMetadataQuery().getMaxRowCount(a.getInput());
        return !(a.getGroupCount() == 0 && maxRows != null && maxRows <= 1);
    }

    /** A side of the join rewritten: the aggregate with counts (under the same filters); where each old column is. */
    private record Counted(RelNode rel, int[] column, int[] count) {
        Columns columns(RexBuilder rex) {
            return new Columns(rex, 0, 0, 0, column, count);
        }
    }

    /** {@code side} as Filter* over an uncertain aggregate, rewritten; null when it is not of that shape. */
    private static Counted counted(RelNode side, RexBuilder rex) {
        if (side instanceof Filter f) {
            Counted below = counted(f.getInput(), rex);
            if (below == null) {
                return null;
            }
            // a filter pushed down from the join condition reads the checked value, as the condition would have
            List<RexNode> columns = below.columns(rex).over(types(below.rel()), types(f.getInput()));
            return new Counted(f.copy(f.getTraitSet(), below.rel(), remap(f.getCondition(), columns)), below.column(), below.count());
        }
        if (!(side instanceof Aggregate agg) || !uncertain(agg)) {
            return null;
        }
        RelDataType bigint = rex.getTypeFactory().createSqlType(SqlTypeName.BIGINT);
        List<AggregateCall> calls = new ArrayList<>();
        int groups = agg.getGroupCount();
        int[] aggColumn = new int[agg.getRowType().getFieldCount()];
        int[] countColumn = new int[aggColumn.length];
        java.util.Arrays.fill(countColumn, -1);
        for (int g = 0; g < groups; g++) {
            aggColumn[g] = g;
        }
        int next = groups;
        for (int k = 0; k < agg.getAggCallList().size(); k++) {
            AggregateCall call = agg.getAggCallList().get(k);
            if (call.getAggregation().getKind() == SqlKind.SINGLE_VALUE) {
                calls.add(AggregateCall.create(SqlStdOperatorTable.MAX, false, false, false, List.of(), call.getArgList(), call.filterArg,
                        null, call.collation, call.getType(), call.getName()));
                calls.add(AggregateCall.create(SqlStdOperatorTable.COUNT, false, false, false, List.of(), List.of(), -1,
                        null, org.apache.calcite.rel.RelCollations.EMPTY, bigint, null));
                aggColumn[groups + k] = next;
                countColumn[groups + k] = next + 1;
                next += 2;
            } else {
                calls.add(call);
                aggColumn[groups + k] = next++;
            }
        }
        return new Counted(agg.copy(agg.getTraitSet(), agg.getInput(), agg.getGroupSet(), agg.getGroupSets(), calls), aggColumn, countColumn);
    }

    private static RexNode remap(RexNode e, List<RexNode> columns) {
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return columns.get(ref.getIndex());
            }
        });
    }

    private static RelNode checked(Join join) {
        RexBuilder rex = join.getCluster().getRexBuilder();
        JoinRelType type = join.getJoinType();
        Counted onRight = type == JoinRelType.LEFT || type == JoinRelType.INNER ? counted(join.getRight(), rex) : null;
        Counted onLeft = onRight == null && (type == JoinRelType.RIGHT || type == JoinRelType.INNER) ? counted(join.getLeft(), rex) : null;
        if (onRight == null && onLeft == null) {
            return join;
        }
        boolean right = onRight != null;
        Counted side = right ? onRight : onLeft;
        RelNode counted = side.rel();
        int[] aggColumn = side.column();
        int[] countColumn = side.count();
        int leftWidth = join.getLeft().getRowType().getFieldCount();
        int oldAggStart = right ? leftWidth : 0;
        int oldOtherStart = right ? 0 : join.getLeft().getRowType().getFieldCount();
        int newOtherStart = right ? 0 : counted.getRowType().getFieldCount();
        RelNode newLeft = right ? join.getLeft() : counted;
        RelNode newRight = right ? counted : join.getRight();
        List<RelDataType> newInputTypes = new ArrayList<>(types(newLeft));
        newInputTypes.addAll(types(newRight));
        List<RelDataType> oldInputTypes = new ArrayList<>(types(join.getLeft()));
        oldInputTypes.addAll(types(join.getRight()));
        Columns map = new Columns(rex, oldAggStart, oldOtherStart, newOtherStart, aggColumn, countColumn);
        // the condition reads the checked values too: a subquery compared in the join is evaluated there
        RexNode condition = remap(join.getCondition(), map.over(newInputTypes, oldInputTypes));
        Join rejoined = join.copy(join.getTraitSet(), condition, newLeft, newRight, join.getJoinType(), join.isSemiJoinDone());
        List<RexNode> columns = map.over(types(rejoined), types(join));
        return LogicalProject.create(rejoined, List.of(), columns, join.getRowType().getFieldNames(), java.util.Set.of());
    }

    private static List<RelDataType> types(RelNode rel) {
        return rel.getRowType().getFieldList().stream().map(RelDataTypeField::getType).toList();
    }

    /** Each column of the old join as an expression over the new one: moved, or a checked value and its count. */
    private record Columns(RexBuilder rex, int aggStart, int oldOtherStart, int newOtherStart, int[] aggColumn, int[] countColumn) {
        List<RexNode> over(List<RelDataType> newTypes, List<RelDataType> oldTypes) {
            List<RexNode> columns = new ArrayList<>();
            for (int i = 0; i < oldTypes.size(); i++) {
                int inAgg = i - aggStart;
                if (inAgg >= 0 && inAgg < aggColumn.length) {
                    RexNode value = new RexInputRef(aggStart + aggColumn[inAgg], newTypes.get(aggStart + aggColumn[inAgg]));
                    columns.add(countColumn[inAgg] < 0 ? value
                            : rex.makeCall(oldTypes.get(i), CHECKED, List.of(value, new RexInputRef(aggStart + countColumn[inAgg], newTypes.get(aggStart + countColumn[inAgg])))));
                } else {
                    int at = i - oldOtherStart + newOtherStart;
                    columns.add(new RexInputRef(at, newTypes.get(at)));
                }
            }
            return columns;
        }
    }
}
