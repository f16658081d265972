package io.rhei.olap.optimizer;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code agg(f(x)) FILTER (WHERE p)} computes {@code f(x)} only for the rows {@code p} keeps, as PostgreSQL does:
 * the argument's expression below the aggregate becomes {@code CASE WHEN p THEN f(x) END} (the native CASE evaluates
 * a branch only for its own rows). Computed on every row, a cast that cannot hold a value the FILTER leaves out
 * failed the query ({@code min(CAST(n AS integer)) FILTER (WHERE false)}) where PostgreSQL answers. Only arguments
 * that are computed (not a column or a constant) are moved; the FILTER stays, for {@code count(*)}.
 */
final class FilteredAggregateArguments {
    private FilteredAggregateArguments() {
    }

    static RelNode rewrite(RelNode rel) {
        return rel.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalAggregate aggregate) {
                RelNode visited = super.visit(aggregate);
                if (!(visited instanceof LogicalAggregate agg) || !(agg.getInput() instanceof LogicalProject project)
                        || !project.getVariablesSet().isEmpty()) {
                    return visited;
                }
                RexBuilder rex = agg.getCluster().getRexBuilder();
                List<RexNode> exprs = new ArrayList<>(project.getProjects());
                List<String> names = new ArrayList<>(project.getRowType().getFieldNames());
                Map<List<Integer>, Integer> guarded = new HashMap<>(); // (argument, filter) -> its guarded column
                List<AggregateCall> calls = new ArrayList<>();
                boolean changed = false;
                for (AggregateCall call : agg.getAggCallList()) {
                    if (call.filterArg < 0 || call.getArgList().isEmpty()) {
                        calls.add(call);
                        continue;
                    }
                    List<Integer> args = new ArrayList<>();
                    for (int arg : call.getArgList()) {
                        RexNode e = project.getProjects().get(arg);
                        if (e instanceof RexInputRef || e instanceof RexLiteral) {
                            args.add(arg);
                            continue;
                        }
                        int column = guarded.computeIfAbsent(List.of(arg, call.filterArg), k -> {
                            RexNode p = project.getProjects().get(call.filterArg);
                            exprs.add(rex.makeCall(SqlStdOperatorTable.CASE, p, e, rex.makeNullLiteral(
                                    rex.getTypeFactory().createTypeWithNullability(e.getType(), true))));
                            names.add("$filtered" + exprs.size());
                            return exprs.size() - 1;
                        });
                        args.add(column);
                        changed = true;
                    }
                    calls.add(call.copy(args, call.filterArg, call.distinctKeys, call.collation));
                }
                if (!changed) {
                    return visited;
                }
                LogicalProject wider = LogicalProject.create(project.getInput(), project.getHints(), exprs, names, project.getVariablesSet());
                return agg.copy(agg.getTraitSet(), wider, agg.getGroupSet(), agg.getGroupSets(), calls);
            }
        });
    }
}
