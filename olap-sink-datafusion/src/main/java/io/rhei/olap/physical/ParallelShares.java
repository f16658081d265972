package io.rhei.olap.physical;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Scan;

import java.util.ArrayList;
import java.util.List;

/**
 * Running a part of a plan as several native plans at once ({@code olap.parallelism}), each over a share of one table's
 * rows, with the plan above reading their results back as one input ({@link ScanInput.Partitioned}). What runs in
 * shares must distribute over a split of that table: a partial aggregation ({@link AggregateLowering}), or a top-k
 * sort, whose shares each keep their own first rows and the plan above keeps the first of those.
 */
final class ParallelShares {
    private final PlanLowering plan;

    ParallelShares(PlanLowering plan) {
        this.plan = plan;
    }

    /** The types of {@code rel}'s columns: the columns of a stage's results when {@code rel} is the stage. */
    static List<RelDataType> columnTypes(RelNode rel) {
        List<RelDataType> types = new ArrayList<>();
        rel.getRowType().getFieldList().forEach(f -> types.add(f.getType()));
        return types;
    }

    /**
     * The table scan whose rows a stage over {@code rel} may split into shares: reached only through projections,
     * filters and joins that distribute over a split of that side (either side of an inner join, the preserved side of
     * an outer, semi or anti join); the largest such scan by estimate. Null when there is none.
     */
    TableScan splitTarget(RelNode rel) {
        if (plan.staged.contains(rel)) {
            return null; // its tables are read by a stage of its own
        }
        if (rel instanceof TableScan ts) {
            return ts;
        }
        if (rel instanceof Project || rel instanceof Filter) {
            return splitTarget(rel.getInput(0));
        }
        if (rel instanceof Join j) {
            return switch (j.getJoinType()) {
                case INNER -> larger(splitTarget(j.getLeft()), splitTarget(j.getRight()));
                case LEFT, SEMI, ANTI -> splitTarget(j.getLeft());
                case RIGHT -> splitTarget(j.getRight());
                default -> null;
            };
        }
        return null;
    }

    private TableScan larger(TableScan a, TableScan b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return plan.cardinality.rows(b) > plan.cardinality.rows(a) ? b : a;
    }

    /**
     * Whether splitting {@code target} pays by the planner's estimates: it is large ({@code olap.parallel-min-rows})
     * and outweighs the stage's other scans, which every share reads in full (a join's hash table is built per share).
     */
    boolean large(TableScan target, int scansBefore) {
        double split = plan.cardinality.rows(target);
        double others = 0;
        for (int k = scansBefore; k < plan.scanRels.size(); k++) {
            if (plan.scanRels.get(k) != target && plan.scanRels.get(k) != null) {
                others += plan.cardinality.rows(plan.scanRels.get(k));
            }
        }
        return split >= plan.parallelMinRows && split >= 2 * others;
    }

    /**
     * Makes {@code stage} (whose scans are the plan's scans from {@code scansBefore} on) run in shares split on
     * {@code target}, and returns the scan that reads their results, with columns of {@code types}; null when
     * {@code target} is read twice. The stage's other scans are read in full by every share: tables, and the results
     * of what runs before the stage (another stage in shares, a union's branches).
     */
    Scan.Builder split(Operator stage, int scansBefore, TableScan target, List<RelDataType> types) {
        int split = -1;
        for (int k = scansBefore; k < plan.scans.size(); k++) {
            // scans of other kinds (a stage in shares below, a union's branches, constants) run first, and every
            // share reads their results in full
            if (plan.scanRels.get(k) == target) {
                if (split >= 0) {
                    return null;
                }
                split = k - scansBefore;
            }
        }
        if (split < 0) {
            return null;
        }
        return stage(stage, scansBefore, split, types);
    }

    /**
     * Makes {@code stage} (whose scans are the plan's scans from {@code scansBefore} on) run in shares that each read
     * every scan in full and keep their own keys' rows ({@link KeySharedAggregate}); returns the scan of their results.
     */
    Scan.Builder byKey(Operator stage, int scansBefore, List<RelDataType> types) {
        return stage(stage, scansBefore, -1, types);
    }

    private Scan.Builder stage(Operator stage, int scansBefore, int split, List<RelDataType> types) {
        List<String> names = new ArrayList<>();
        List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>();
        Scan.Builder merged = Scan.newBuilder().setSource("rhei:shares:" + plan.nextStage++).setArrowFfiSafe(true);
        for (int k = 0; k < types.size(); k++) {
            names.add("c" + k);
            fields.add(new org.apache.arrow.vector.types.pojo.Field("c" + k,
                    org.apache.arrow.vector.types.pojo.FieldType.nullable(CometTypes.arrow(types.get(k))), null));
            merged.addFields(CometTypes.of(types.get(k)));
        }
        LoweredPlan lowered = new LoweredPlan(plan.sql, stage, List.copyOf(plan.scans.subList(scansBefore, plan.scans.size())), names,
                new org.apache.arrow.vector.types.pojo.Schema(fields), () -> "");
        plan.scans.subList(scansBefore, plan.scans.size()).clear();
        plan.scanRels.subList(scansBefore, plan.scanRels.size()).clear();
        plan.scans.add(new ScanInput.Partitioned(lowered, split, merged.getSource()));
        plan.scanRels.add(null);
        return merged;
    }
}
