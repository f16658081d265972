package io.rhei.olap.exec;

import org.apache.comet.serde.OperatorOuterClass.Operator;

/**
 * A native operator tree as indented text, one operator per line with what decides its shape (join type and build
 * side, aggregate mode, scan source), for {@code explain} and plan-shape tests.
 */
public final class NativePlanText {
    private NativePlanText() {
    }

    public static String of(Operator op) {
        StringBuilder out = new StringBuilder();
        append(op, 0, out);
        return out.toString();
    }

    private static void append(Operator op, int depth, StringBuilder out) {
        out.append("  ".repeat(depth)).append(describe(op)).append('\n');
        for (Operator child : op.getChildrenList()) {
            append(child, depth + 1, out);
        }
    }

    private static String describe(Operator op) {
        return switch (op.getOpStructCase()) {
            case SCAN -> "Scan " + op.getScan().getSource();
            case HASH_JOIN -> "HashJoin " + op.getHashJoin().getJoinType() + " build=" + op.getHashJoin().getBuildSide()
                    + " keys=" + op.getHashJoin().getLeftJoinKeysCount();
            case SORT_MERGE_JOIN -> "SortMergeJoin " + op.getSortMergeJoin().getJoinType();
            case HASH_AGG -> "HashAggregate " + op.getHashAgg().getMode() + " groups=" + op.getHashAgg().getGroupingExprsCount()
                    + " aggregates=" + op.getHashAgg().getAggExprsCount();
            case SORT -> "Sort keys=" + op.getSort().getSortOrdersCount() + (op.getSort().hasFetch() ? " fetch=" + op.getSort().getFetch() : "");
            case LIMIT -> "Limit " + op.getLimit().getLimit();
            case PROJECTION -> "Projection columns=" + op.getProjection().getProjectListCount();
            case FILTER -> "Filter";
            case WINDOW -> "Window";
            case EXPAND -> "Expand";
            default -> op.getOpStructCase().name();
        };
    }
}
