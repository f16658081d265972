package io.rhei.olap.optimizer;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sum(x + c)} for several constants {@code c} over the same integer column becomes {@code sum(x) + c * count(x)}:
 * one sum and one count instead of a sum per constant (ClickBench's query 29 sums {@code ResolutionWidth + 0} to
 * {@code + 89}). Equal for every input: no rows or only NULLs give NULL both ways, and the sum is the same integer.
 * Only where {@code x + c} cannot overflow per row (x narrower than the addition's type), since PostgreSQL would fail
 * such a row where the rewritten sum would not.
 */
final class SumsOfOffsetsFromOneSum {
    private SumsOfOffsetsFromOneSum() {
    }

    /** A {@code sum(x + c)}: the column and the constant. */
    private record Offset(int column, BigDecimal constant) {
    }

    static RelNode rewrite(RelNode rel, RelBuilder relBuilder) {
        return rel.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalAggregate aggregate) {
                RelNode visited = super.visit(aggregate);
                return visited instanceof Aggregate a ? rewrite(a, relBuilder) : visited;
            }
        });
    }

    private static RelNode rewrite(Aggregate a, RelBuilder relBuilder) {
        if (a.getGroupType() != Aggregate.Group.SIMPLE || !(a.getInput() instanceof LogicalProject project)) {
            return a;
        }
        Map<Integer, Offset> offsets = new LinkedHashMap<>(); // by call index
        Map<Integer, Integer> perColumn = new LinkedHashMap<>();
        for (int i = 0; i < a.getAggCallList().size(); i++) {
            Offset o = offset(a.getAggCallList().get(i), project);
            if (o != null) {
                offsets.put(i, o);
                perColumn.merge(o.column(), 1, Integer::sum);
            }
        }
        offsets.values().removeIf(o -> perColumn.get(o.column()) < 2); // one sum per column gains nothing
        if (offsets.isEmpty()) {
            return a;
        }
        RexBuilder rex = a.getCluster().getRexBuilder();
        // below: the projection as it was, and the offset columns themselves after it
        List<RexNode> below = new ArrayList<>(project.getProjects());
        Map<Integer, Integer> columnSlot = new LinkedHashMap<>();
        for (Offset o : offsets.values()) {
            columnSlot.computeIfAbsent(o.column(), c -> {
                below.add(RexInputRef.of(c, project.getInput().getRowType()));
                return below.size() - 1;
            });
        }
        relBuilder.push(project.getInput()).project(below);
        List<RelBuilder.AggCall> calls = new ArrayList<>();
        List<int[]> outputOf = new ArrayList<>(); // per original call: its output, or its sum's and count's
        int next = a.getGroupCount();
        for (int i = 0; i < a.getAggCallList().size(); i++) {
            Offset o = offsets.get(i);
            if (o == null) {
                calls.add(relBuilder.aggregateCall(a.getAggCallList().get(i)));
                outputOf.add(new int[] {next++});
            } else {
                RexNode x = relBuilder.field(columnSlot.get(o.column()));
                calls.add(relBuilder.sum(x));
                calls.add(relBuilder.count(x));
                outputOf.add(new int[] {next, next + 1});
                next += 2;
            }
        }
        relBuilder.aggregate(relBuilder.groupKey(a.getGroupSet()), calls);
        List<RexNode> top = new ArrayList<>();
        for (int g = 0; g < a.getGroupCount(); g++) {
            top.add(relBuilder.field(g));
        }
        for (int i = 0; i < a.getAggCallList().size(); i++) {
            AggregateCall original = a.getAggCallList().get(i);
            int[] out = outputOf.get(i);
            if (out.length == 1) {
                top.add(relBuilder.field(out[0]));
                continue;
            }
            RelDataType type = original.getType();
            RexNode constantTimesCount = rex.makeCall(SqlStdOperatorTable.MULTIPLY, rex.makeExactLiteral(offsets.get(i).constant(),
                    rex.getTypeFactory().createSqlType(SqlTypeName.BIGINT)), relBuilder.field(out[1]));
            RexNode sum = rex.makeCall(SqlStdOperatorTable.PLUS, relBuilder.field(out[0]), constantTimesCount);
            top.add(rex.makeCast(type, sum, true, false));
        }
        return relBuilder.project(top, a.getRowType().getFieldNames(), true).build();
    }

    /** The column and constant of {@code call} when it is a plain {@code sum(x + c)} that cannot overflow per row. */
    private static Offset offset(AggregateCall call, LogicalProject project) {
        if (call.getAggregation().getKind() != SqlKind.SUM || call.isDistinct() || call.filterArg >= 0 || call.getArgList().size() != 1) {
            return null;
        }
        if (!(project.getProjects().get(call.getArgList().get(0)) instanceof RexCall plus) || plus.getKind() != SqlKind.PLUS) {
            return null;
        }
        RexNode l = plus.getOperands().get(0);
        RexNode r = plus.getOperands().get(1);
        RexInputRef x = l instanceof RexInputRef ref ? ref : r instanceof RexInputRef ref ? ref : null;
        RexNode c = x == l ? r : l;
        if (x == null || !(c instanceof RexLiteral literal) || literal.isNull() || !(literal.getValue() instanceof BigDecimal constant)
                || constant.scale() > 0 && constant.stripTrailingZeros().scale() > 0) {
            return null;
        }
        if (rank(x.getType().getSqlTypeName()) >= rank(plus.getType().getSqlTypeName()) || rank(plus.getType().getSqlTypeName()) > 3
                || call.getType().getSqlTypeName() != SqlTypeName.BIGINT) {
            return null; // x + c could overflow its type for some row, or the sum is not a bigint
        }
        return new Offset(x.getIndex(), constant.setScale(0));
    }

    private static int rank(SqlTypeName t) {
        return switch (t) {
            case TINYINT -> 0;
            case SMALLINT -> 1;
            case INTEGER -> 2;
            case BIGINT -> 3;
            default -> 9;
        };
    }
}
