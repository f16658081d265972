package io.rhei.olap.physical;

import io.rhei.core.model.TableId;

import io.rhei.storage.ScanFilter;

import java.util.List;

/** What feeds one native {@code Scan} of a plan, in the order the plan's scans are fed. */
public sealed interface ScanInput {

    /**
     * The live rows of a table, only {@code columns}, in that order; {@code filter} may be pushed into its files. In a
     * stage in shares by key range, {@code keyRange} says which rows each share keeps (null elsewhere).
     */
    record Table(TableId table, List<String> columns, ScanFilter filter, KeyRange keyRange) implements ScanInput {
        /** The filter hint of share {@code share}'s scan of the table. */
        public ScanFilter filterFor(int share) {
            return keyRange == null ? filter : ScanFilter.and(java.util.List.of(filter, keyRange.filterFor(share)));
        }
    }

    /**
     * Constant rows (VALUES, a query without FROM), each value as {@link io.rhei.olap.exec.ValuesBatch} takes it,
     * in columns of {@code schema}.
     */
    record Values(org.apache.arrow.vector.types.pojo.Schema schema, List<List<Object>> rows) implements ScanInput {
    }

    /**
     * The results of other native plans, one after the other: operators the native plan format lacks (UNION ALL)
     * are built around native plans. The branches run to completion before the plan that reads them starts
     * (a native plan cannot run another one from inside its own execution).
     */
    record Materialized(List<LoweredPlan> branches) implements ScanInput {
    }

    /**
     * The merged results of one aggregation run as several native plans at once ({@code olap.parallelism}): each
     * runs {@code stage} (the whole two-phase aggregation) over a share of the slices of scan {@code splitScan}, and
     * every other scan in full (a table, or the results of a stage below, run once before the shares start); the plan that reads them merges the per-share results. All shares read the same
     * table snapshots. {@code source} names the plan's {@code Scan} of them, whose column types are set from the
     * results before it runs. A {@code splitScan} of -1 splits no scan: every share reads every input in full and
     * keeps the rows of its own keys ({@link KeySharedAggregate}), its index being the plan's {@code SparkPartitionId}.
     */
    record Partitioned(LoweredPlan stage, int splitScan, String source) implements ScanInput {
    }

    /**
     * The rows of {@code plan}, a part the query computes in more than one place ({@link SharedSubtrees}): it runs
     * once, before the plans that read it, and every scan of this same input reads its rows. {@code source} names
     * those scans, whose column types are set from the rows before they run.
     */
    record Shared(LoweredPlan plan, String source) implements ScanInput {
    }
}
