package io.rhei.olap.physical;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Scan;

/**
 * The side a hash join builds its table from runs first, in shares of its own largest table ({@link ParallelShares}),
 * when that side filters or joins a large table down to few rows (TPC-H Q3: orders of one segment's customers before
 * a date). The plan above reads the shares' rows in full. Without this, a stage in shares split on the other side's
 * table (lineitem) made every share scan, filter and join the whole build side again; now each share only builds its
 * hash table from the build side's rows. Exact because the build side distributes over a split of its table: its
 * shares' rows together are its rows.
 */
final class BuildSideInShares {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BuildSideInShares.class);
    /** The build side must keep at most this share of its split table's rows: copying more out costs what it saves. */
    private static final double MAX_KEPT = 0.25;

    private BuildSideInShares() {
    }

    /**
     * {@code lowered} (the join side {@code build} lowered, its scans from {@code scansBefore} on) run first in shares
     * when it pays, read back by a scan; else {@code lowered}. {@code probe} is the join's other side.
     */
    static Operator lower(PlanLowering plan, RelNode build, RelNode probe, Operator lowered, int scansBefore) {
        if (!plan.sharesAllowed()) {
            return lowered;
        }
        ParallelShares shares = new ParallelShares(plan);
        TableScan target = shares.splitTarget(build);
        if (target == null || !shares.large(target, scansBefore)) {
            return lowered;
        }
        double scanned = plan.cardinality.rows(target);
        double kept = plan.cardinality.rows(build);
        TableScan probeTarget = shares.splitTarget(probe);
        // when the build side holds the largest table, a stage above splits on that table itself: each share builds
        // from its part of the build side (the cheaper split); and a side that keeps most rows is cheaper rebuilt
        if (probeTarget == null || plan.cardinality.rows(probeTarget) <= scanned || kept > MAX_KEPT * scanned) {
            return lowered;
        }
        Scan.Builder merged = shares.split(lowered, scansBefore, target, ParallelShares.columnTypes(build));
        if (merged == null) {
            return lowered;
        }
        plan.staged.add(build);
        LOG.debug("join side {}: in {} shares split on {} (~{} of ~{} rows kept)", build.getId(), plan.parallelism,
                target.getTable().getQualifiedName(), kept, scanned);
        return plan.op().setScan(merged).build();
    }
}
