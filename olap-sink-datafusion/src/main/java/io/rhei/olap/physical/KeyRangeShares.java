package io.rhei.olap.physical;

import io.rhei.olap.stats.ColumnStats;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.comet.serde.ExprOuterClass.BinaryExpr;
import org.apache.comet.serde.ExprOuterClass.EmptyExpr;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.Types.DataType.DataTypeId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An aggregation over joins of several large tables on one key (TPC-H Q21: lineitem three times and orders, joined on
 * the order number) runs in shares by key range: every share reads, of each table joined on that key, the rows whose
 * key lies in its own range (a table stored in key order skips the files of other ranges, {@link KeyRange}), and every
 * other table in full. A split of one table's rows ({@link ParallelShares}) would make every share build and probe the
 * other large tables whole; here each share joins only its keys' rows, and the shares' results are disjoint parts of
 * the joined rows. The aggregation then merges the shares' partial results, or, grouped by the key itself, just reads
 * them one after the other.
 *
 * <p>Exact when every join between tables of the key runs on the key, so that joined rows share one key value: the
 * key's columns form one class of columns equated by the joins, and a join with the key's tables on both sides
 * equates a key column of each. A join with the key's tables on one side only keeps that side's rows in its share:
 * allowed where that side is the preserved or kept one (an inner join, either side; a left, semi or anti join, its
 * left). The key is an integer column, ranges are cut evenly between the statistics' smallest and largest value
 * (which steers only the balance: the first and last share take everything beyond), and a NULL key goes to the first
 * share.
 */
final class KeyRangeShares {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeyRangeShares.class);

    /** Which tables a stage's shares divide by key, and where: the scans (by identity) and their key column. */
    record Partition(Map<TableScan, Integer> keyColumns, long from, long width, int shares, Set<Integer> keyOutputs) {
        /** Whether the aggregation's groups include the key, so that no two shares return one group. */
        boolean groupsByKey(Aggregate a) {
            return a.getGroupSet().asList().stream().anyMatch(keyOutputs::contains);
        }

        /** How the shares divide {@code ts}'s rows by its key column. */
        KeyRange rangeOf(TableScan ts) {
            RelDataTypeField key = ts.getRowType().getFieldList().get(keyColumns.get(ts));
            return new KeyRange(key.getName(), key.getType().getSqlTypeName(), key.getType().isNullable(), from, width, shares);
        }
    }

    private KeyRangeShares() {
    }

    /**
     * The partition for aggregation {@code a} when its shares by key range pay and are exact; empty when shares are
     * off, a split of {@code splitTarget} already pays, or no key qualifies.
     */
    static Optional<Partition> find(PlanLowering plan, Aggregate a, TableScan splitTarget) {
        if (!plan.sharesAllowed()) {
            return Optional.empty();
        }
        Analysis an = new Analysis(plan);
        List<Slot> outputs = an.walk(a.getInput());
        if (an.joins.isEmpty()) {
            return Optional.empty();
        }
        double all = 0;
        for (TableScan ts : an.scans) {
            all += plan.cardinality.rows(ts);
        }
        for (TableScan ts : an.opaqueScans) {
            all += plan.cardinality.rows(ts);
        }
        if (splitTarget != null) {
            // a split of the table's rows runs in shares (AggregateLowering.worthSplitting): it is large, outweighs
            // the other scans, and the groups are few beside the rows it divides
            double target = plan.cardinality.rows(splitTarget);
            double divided = Math.max(target, plan.cardinality.rows(a.getInput()));
            if (target >= plan.parallelMinRows && target >= 2 * (all - target) && plan.cardinality.rows(a) * 8 <= divided) {
                return Optional.empty();
            }
        }
        Partition best = null;
        double bestRows = 0;
        for (Slot root : an.classes()) {
            Map<TableScan, Integer> keys = an.keyColumns(root);
            if (keys == null || keys.size() < 2) {
                continue;
            }
            double keyed = 0;
            for (TableScan ts : an.scans) {
                keyed += keys.containsKey(ts) ? plan.cardinality.rows(ts) : 0;
            }
            if (keyed < plan.parallelMinRows || keyed < 2 * (all - keyed) || keyed <= bestRows || !an.joinsAllowed(keys, root)) {
                continue;
            }
            Partition p = ranges(plan, keys, outputs, an, root);
            if (p != null) {
                best = p;
                bestRows = keyed;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        if (!best.groupsByKey(a) && (!a.getAggCallList().stream().allMatch(c -> merges(c, a.getInput()))
                || plan.cardinality.rows(a) * 8 > plan.cardinality.rows(a.getInput()))) {
            // the shares' groups overlap: every aggregate must merge, and the merge must be small beside the input
            return Optional.empty();
        }
        LOG.debug("aggregation {}: in {} shares by key range over {} tables", a.getId(), plan.parallelism, best.keyColumns().size());
        return Optional.of(best);
    }

    /** Whether {@code call}'s results of several shares merge into its result (the merge AggregateLowering builds). */
    private static boolean merges(AggregateCall call, RelNode input) {
        if (call.isDistinct()) {
            return false;
        }
        return switch (call.getAggregation().getKind()) {
            case COUNT, SUM, MIN, MAX -> true;
            case AVG -> {
                RelDataType t = input.getRowType().getFieldList().get(call.getArgList().get(0)).getType();
                yield t.getSqlTypeName() == SqlTypeName.DECIMAL || SqlTypeName.INT_TYPES.contains(t.getSqlTypeName());
            }
            default -> false;
        };
    }

    /** Even ranges between the key columns' smallest and largest value; null without statistics or with too few values. */
    private static Partition ranges(PlanLowering plan, Map<TableScan, Integer> keys, List<Slot> outputs, Analysis an, Slot root) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Map.Entry<TableScan, Integer> e : keys.entrySet()) {
            Optional<ColumnStats> s = plan.cardinality.columnStats(e.getKey(), e.getValue());
            if (s.isEmpty() || !s.get().hasRange()) {
                return null;
            }
            min = Math.min(min, s.get().min());
            max = Math.max(max, s.get().max());
        }
        int n = plan.parallelism;
        if (Math.abs(min) > 1e15 || Math.abs(max) > 1e15 || max - min + 1 < 2.0 * n) {
            return null;
        }
        long from = (long) Math.floor(min);
        long width = (long) Math.ceil((Math.ceil(max) - from + 1) / n);
        Set<Integer> keyOutputs = new java.util.HashSet<>();
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i) != null && an.find(outputs.get(i)).equals(root)) {
                keyOutputs.add(i);
            }
        }
        Partition p = new Partition(keys, from, width, n, keyOutputs);
        // the tables must be stored in about key order, so that a share's range skips the files of the others: each
        // share reads at most half way from its own part to the whole table (by rows, over the keyed scans; a table
        // read twice is asked once and counted twice)
        Map<TableScan, Double> mostRead = new IdentityHashMap<>();
        for (TableScan ts : keys.keySet()) {
            KeyRange range = p.rangeOf(ts);
            double most = 0;
            for (int i = 0; i < n; i++) {
                most = Math.max(most, plan.cardinality.shareRead(ts, range.filterFor(i)));
            }
            mostRead.put(ts, most);
        }
        double rows = 0;
        double read = 0;
        for (TableScan ts : an.scans) {
            if (keys.containsKey(ts)) {
                rows += plan.cardinality.rows(ts);
                read += mostRead.get(ts) * plan.cardinality.rows(ts);
            }
        }
        if (read > rows * (1 + 1.0 / n) / 2) {
            LOG.debug("key ranges: the keyed tables are not stored in key order (a share reads {} of their rows)", read / rows);
            return null;
        }
        return p;
    }

    /**
     * The native filter over a keyed table's scan: the rows of this share's range, for a key at scan column
     * {@code column} of type {@code type}. The share is the plan's partition id; the range's bounds are computed from
     * it as constants, so that a row costs two comparisons: {@code lo <= key <= hi}, with the first share's {@code lo}
     * the smallest long and the last share's {@code hi} the largest (one comparison with two shares). A NULL key counts
     * as the smallest value.
     */
    static Expr ownRange(Partition p, int column, RelDataType type) {
        Expr key = PlanLowering.bound(column, type);
        if (type.getSqlTypeName() != SqlTypeName.BIGINT) {
            key = PlanLowering.castExpr(key, CometTypes.id(DataTypeId.INT64));
        }
        if (type.isNullable()) {
            key = Expr.newBuilder().setScalarFunc(org.apache.comet.serde.ExprOuterClass.ScalarFunc.newBuilder().setFunc("coalesce")
                    .addArgs(key).addArgs(literal(p.from())).setReturnType(CometTypes.id(DataTypeId.INT64))).build();
        }
        Expr share = PlanLowering.castExpr(Expr.newBuilder().setSparkPartitionId(EmptyExpr.newBuilder()).build(), CometTypes.id(DataTypeId.INT64));
        if (p.shares() == 2) {
            // one comparison: whether the key is in the upper range is whether this is the second share
            Expr upper = Expr.newBuilder().setGtEq(BinaryExpr.newBuilder().setLeft(key).setRight(literal(p.from() + p.width()))).build();
            return eq(upper, eq(share, literal(1)));
        }
        Expr first = flag(eq(share, literal(0)));
        Expr last = flag(eq(share, literal(p.shares() - 1)));
        Expr lo = choose(first, literal(Long.MIN_VALUE), add(literal(p.from()), times(share, literal(p.width()))));
        Expr hi = choose(last, literal(Long.MAX_VALUE), add(literal(p.from() - 1), times(add(share, literal(1)), literal(p.width()))));
        return Expr.newBuilder().setAnd(BinaryExpr.newBuilder()
                .setLeft(Expr.newBuilder().setGtEq(BinaryExpr.newBuilder().setLeft(key).setRight(lo)))
                .setRight(Expr.newBuilder().setLtEq(BinaryExpr.newBuilder().setLeft(key).setRight(hi)))).build();
    }

    /** A condition on constants as 1 or 0. */
    private static Expr flag(Expr condition) {
        return PlanLowering.castExpr(condition, CometTypes.id(DataTypeId.INT64));
    }

    /** {@code flag} ? {@code a} : {@code b}, for constants, in wrapping arithmetic: {@code a * flag + b * (1 - flag)}. */
    private static Expr choose(Expr flag, Expr a, Expr b) {
        Expr notFlag = Expr.newBuilder().setSubtract(WrappingArithmetic.math(literal(1), flag, DataTypeId.INT64)).build();
        return add(times(a, flag), times(b, notFlag));
    }

    private static Expr eq(Expr a, Expr b) {
        return Expr.newBuilder().setEq(BinaryExpr.newBuilder().setLeft(a).setRight(b)).build();
    }

    private static Expr add(Expr a, Expr b) {
        return WrappingArithmetic.add(a, b, DataTypeId.INT64);
    }

    private static Expr times(Expr a, Expr b) {
        return WrappingArithmetic.times(a, b, DataTypeId.INT64);
    }

    private static Expr literal(long v) {
        return WrappingArithmetic.literal(v, DataTypeId.INT64);
    }

    /** A table column as one scan of the plan reads it. */
    private record Slot(TableScan scan, int column) {
    }

    /** A join of the stage: its type, the tables under each side, and the pairs of columns it equates. */
    private record JoinFacts(JoinRelType type, List<TableScan> left, List<TableScan> right, List<Slot[]> keys) {
    }

    /**
     * One walk over the stage: which columns the joins equate (classes, by union-find), the joins, and the scans
     * read where a key can divide them; scans inside other operators (aggregations, unions, parts computed once)
     * are read in full by every share.
     */
    private static final class Analysis {
        private final PlanLowering plan;
        private final Map<Slot, Slot> parent = new HashMap<>();
        final List<JoinFacts> joins = new ArrayList<>();
        /** Every scan the stage reads where a key may divide it, once per occurrence (one table may be read twice). */
        final List<TableScan> scans = new ArrayList<>();
        final List<TableScan> opaqueScans = new ArrayList<>();

        Analysis(PlanLowering plan) {
            this.plan = plan;
        }

        /** The slot behind each output column of {@code rel} (null where a column is computed). */
        List<Slot> walk(RelNode rel) {
            return shape(rel).slots();
        }

        /** What a part of the stage reads and returns: the slot of each output column, the scans it divides. */
        private record Shape(List<Slot> slots, List<TableScan> scans) {
        }

        private Shape shape(RelNode rel) {
            if (plan.isStagedOrShared(rel)) {
                opaque(rel);
                return new Shape(nulls(rel), List.of());
            }
            if (rel instanceof TableScan ts) {
                scans.add(ts);
                List<Slot> out = new ArrayList<>();
                for (int i = 0; i < ts.getRowType().getFieldCount(); i++) {
                    Slot s = new Slot(ts, i);
                    parent.putIfAbsent(s, s);
                    out.add(s);
                }
                return new Shape(out, List.of(ts));
            }
            if (rel instanceof Filter f) {
                return shape(f.getInput());
            }
            if (rel instanceof Project p) {
                Shape in = shape(p.getInput());
                List<Slot> out = new ArrayList<>();
                for (RexNode e : p.getProjects()) {
                    RexNode ref = widening(e);
                    out.add(ref instanceof RexInputRef r ? in.slots().get(r.getIndex()) : null);
                }
                return new Shape(out, in.scans());
            }
            if (rel instanceof Join j) {
                Shape left = shape(j.getLeft());
                Shape right = shape(j.getRight());
                JoinInfo info = j.analyzeCondition();
                List<Slot[]> pairs = new ArrayList<>();
                for (int k = 0; k < info.leftKeys.size(); k++) {
                    Slot l = left.slots().get(info.leftKeys.get(k));
                    Slot r = right.slots().get(info.rightKeys.get(k));
                    if (l != null && r != null) {
                        union(l, r);
                        pairs.add(new Slot[]{l, r});
                    }
                }
                joins.add(new JoinFacts(j.getJoinType(), left.scans(), right.scans(), pairs));
                List<Slot> out = new ArrayList<>(left.slots());
                if (j.getJoinType().projectsRight()) {
                    out.addAll(right.slots());
                }
                List<TableScan> both = new ArrayList<>(left.scans());
                both.addAll(right.scans());
                return new Shape(out, both);
            }
            opaque(rel);
            return new Shape(nulls(rel), List.of());
        }

        private void opaque(RelNode rel) {
            if (rel instanceof TableScan ts) {
                opaqueScans.add(ts);
            }
            rel.getInputs().forEach(this::opaque);
        }

        private static List<Slot> nulls(RelNode rel) {
            List<Slot> out = new ArrayList<>();
            for (int i = 0; i < rel.getRowType().getFieldCount(); i++) {
                out.add(null);
            }
            return out;
        }

        /** {@code e} without a cast from one integer type to a wider one (the same values). */
        private static RexNode widening(RexNode e) {
            if (e.getKind() == SqlKind.CAST && e instanceof RexCall c && SqlTypeName.INT_TYPES.contains(c.getType().getSqlTypeName())
                    && SqlTypeName.INT_TYPES.contains(c.getOperands().get(0).getType().getSqlTypeName())
                    && c.getType().getPrecision() >= c.getOperands().get(0).getType().getPrecision()) {
                return c.getOperands().get(0);
            }
            return e;
        }

        Slot find(Slot s) {
            Slot p = parent.get(s);
            while (!p.equals(parent.get(p))) {
                p = parent.get(p);
            }
            return p;
        }

        private void union(Slot a, Slot b) {
            Slot ra = find(a);
            Slot rb = find(b);
            if (!ra.equals(rb)) {
                parent.put(ra, rb);
            }
        }

        /** The classes of columns some join equates. */
        Set<Slot> classes() {
            Set<Slot> roots = new LinkedHashSet<>();
            for (JoinFacts j : joins) {
                for (Slot[] pair : j.keys()) {
                    roots.add(find(pair[0]));
                }
            }
            return roots;
        }

        /**
         * The key column of each scan with a column in class {@code root}; null when the class cannot be a key: a
         * column not an integer, a scan with two columns in it, or a keyed table also read in full elsewhere.
         */
        Map<TableScan, Integer> keyColumns(Slot root) {
            Map<TableScan, Integer> keys = new IdentityHashMap<>();
            for (Slot s : parent.keySet()) {
                if (!find(s).equals(root)) {
                    continue;
                }
                SqlTypeName type = s.scan().getRowType().getFieldList().get(s.column()).getType().getSqlTypeName();
                Integer previous = keys.put(s.scan(), s.column());
                if (!SqlTypeName.INT_TYPES.contains(type) || previous != null && previous != s.column()
                        || opaqueScans.stream().anyMatch(o -> o == s.scan())) {
                    return null;
                }
            }
            return keys;
        }

        /** Whether every join keeps the shares exact when the scans of {@code keys} are divided by class {@code root}. */
        boolean joinsAllowed(Map<TableScan, Integer> keys, Slot root) {
            for (JoinFacts j : joins) {
                boolean left = j.left().stream().anyMatch(keys::containsKey);
                boolean right = j.right().stream().anyMatch(keys::containsKey);
                if (left && right) {
                    boolean onKey = false;
                    for (Slot[] pair : j.keys()) {
                        onKey |= isKey(pair[0], keys, root) && isKey(pair[1], keys, root);
                    }
                    if (!onKey) {
                        return false;
                    }
                } else if (left && !(j.type() == JoinRelType.INNER || j.type() == JoinRelType.LEFT
                        || j.type() == JoinRelType.SEMI || j.type() == JoinRelType.ANTI)) {
                    return false;
                } else if (right && !(j.type() == JoinRelType.INNER || j.type() == JoinRelType.RIGHT)) {
                    return false;
                }
            }
            return true;
        }

        private boolean isKey(Slot s, Map<TableScan, Integer> keys, Slot root) {
            return find(s).equals(root) && keys.get(s.scan()) != null && keys.get(s.scan()) == s.column();
        }
    }
}
