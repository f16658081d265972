package io.rhei.olap.physical;

import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Scan;

/**
 * A top-k sort ({@code ORDER BY ... LIMIT k}) over a large table's rows runs in shares ({@link ParallelShares}): each
 * share sorts its part of the rows and keeps its first k (offset included), and the plan above sorts those and keeps
 * the first k. Exact: the first k of all rows are among the first k of the share that holds each of them.
 */
final class TopKInShares {
    private TopKInShares() {
    }

    /**
     * {@code topK} (the sort {@code sort} lowered, its scans from {@code scansBefore} on) run in shares when its input
     * splits and is large enough; otherwise {@code topK} itself.
     */
    static Operator lower(PlanLowering plan, Sort sort, Operator topK, org.apache.comet.serde.OperatorOuterClass.Sort.Builder sortSpec,
                          int scansBefore) {
        ParallelShares shares = new ParallelShares(plan);
        TableScan target = shares.splitTarget(sort.getInput());
        if (target == null || !shares.large(target, scansBefore)) {
            return topK;
        }
        Scan.Builder merged = shares.split(topK, scansBefore, target, ParallelShares.columnTypes(sort.getInput()));
        if (merged == null) {
            return topK;
        }
        // the shares' rows have the sort's input columns in order: the same sort keys apply
        return plan.op(plan.op().setScan(merged).build()).setSort(sortSpec).build();
    }
}
