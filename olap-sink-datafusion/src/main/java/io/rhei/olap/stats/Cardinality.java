package io.rhei.olap.stats;

import io.rhei.olap.sql.StorageCatalog;

import io.rhei.core.model.TableId;
import io.rhei.olap.stats.ColumnStatistics;
import io.rhei.olap.stats.ColumnStats;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;
import com.google.common.collect.Range;

import java.math.BigDecimal;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rhei's row-count estimates for one query's plan, the numbers the join order, the hash-join build sides and the
 * parallel-aggregation choice are made from. Calcite's own estimates guess every equality at 15% and know no
 * distinct counts, which put TPC-H Q5's customer-supplier join (12M rows) first. These use
 * {@link ColumnStatistics}: a filter {@code col = v} keeps 1/distinct(col), a range keeps its share of the column's
 * [min, max], an equi-join of L and R rows gives L * R / max(key domains) ({@link #joinedRows}), a GROUP BY as many
 * rows as the product of its keys' distinct counts (at most its input's rows). Unknown expressions fall back to
 * fixed guesses.
 */
public final class Cardinality {
    private static final double DEFAULT_RANGE = 1.0 / 3;
    private static final double DEFAULT_OTHER = 0.25;
    private final ColumnStatistics statistics;
    private final org.apache.arrow.memory.BufferAllocator allocator;
    private final Map<RelNode, Double> rowMemo = new IdentityHashMap<>();
    private final Map<RelNode, Map<Integer, Double>> distinctMemo = new IdentityHashMap<>();
    private final Map<Origin, Optional<ColumnStats>> statsMemo = new java.util.HashMap<>();

    /** {@code allocator}: for counting statistics not known yet; null plans with the known ones only. */
    public Cardinality(ColumnStatistics statistics, org.apache.arrow.memory.BufferAllocator allocator) {
        this.statistics = statistics;
        this.allocator = allocator;
    }

    /** Estimated rows of {@code rel}, at least 1. */
    public double rows(RelNode rel) {
        Double known = rowMemo.get(rel);
        if (known != null) {
            return known;
        }
        double r = Math.max(1, computeRows(rel));
        rowMemo.put(rel, r);
        return r;
    }

    private double computeRows(RelNode rel) {
        if (rel instanceof TableScan ts) {
            return ts.getTable().getRowCount();
        }
        if (rel instanceof Filter f) {
            return rows(f.getInput()) * selectivity(f.getInput(), f.getCondition());
        }
        if (rel instanceof Project p) {
            return rows(p.getInput());
        }
        if (rel instanceof Join j) {
            return joinRows(j);
        }
        if (rel instanceof Aggregate a) {
            if (a.getGroupSet().isEmpty()) {
                return 1;
            }
            double groups = 1;
            for (int k : a.getGroupSet()) {
                groups *= distinct(a.getInput(), k);
            }
            return Math.min(groups, rows(a.getInput())) * a.getGroupSets().size();
        }
        if (rel instanceof Sort s) {
            double in = rows(s.getInput());
            if (s.fetch instanceof RexLiteral lit) {
                in = Math.min(in, lit.getValueAs(Long.class));
            }
            return in;
        }
        if (rel instanceof Union u) {
            double sum = 0;
            for (RelNode in : u.getInputs()) {
                sum += rows(in);
            }
            return sum;
        }
        if (rel instanceof Values v) {
            return v.getTuples().size();
        }
        if (rel.getInputs().size() == 1) {
            return rows(rel.getInput(0));
        }
        Double calcite = rel.getCluster().getMetadataQuery().getRowCount(rel);
        return calcite == null ? 1000 : calcite;
    }

    private double joinRows(Join j) {
        double l = rows(j.getLeft());
        double r = rows(j.getRight());
        JoinInfo info = j.analyzeCondition();
        double residual = info.isEqui() ? 1 : guess(info.getRemaining(j.getCluster().getRexBuilder()));
        if (info.leftKeys.isEmpty()) {
            double inner = l * r * residual;
            return switch (j.getJoinType()) {
                case LEFT -> Math.max(inner, l);
                case RIGHT -> Math.max(inner, r);
                case FULL -> Math.max(inner, l + r);
                case SEMI -> l * Math.min(1, r * residual);
                case ANTI -> l * Math.max(0.1, 1 - Math.min(1, r * residual));
                default -> inner;
            };
        }
        double domainL = keyDomain(j.getLeft(), info.leftKeys);
        double domainR = keyDomain(j.getRight(), info.rightKeys);
        double inner = joinedRows(l, r, domainL, domainR) * residual;
        // the share of left rows with a partner: the right side's key values among all the left key could take
        double matched = Math.min(1, Math.min(domainR, r) / domainL) * residual;
        return switch (j.getJoinType()) {
            case INNER -> inner;
            case LEFT -> Math.max(inner, l);
            case RIGHT -> Math.max(inner, r);
            case FULL -> Math.max(inner, l + r);
            case SEMI -> l * matched;
            case ANTI -> l * Math.max(0.1, 1 - matched);
            default -> inner;
        };
    }

    /**
     * Rows of an equi-join of {@code l} and {@code r} rows whose keys range over {@code domainL} and {@code domainR}
     * values: each left row meets the right rows with its value, {@code r / domainR} of them when the smaller
     * domain lies within the larger. Domains are the tables' own, before filters: a foreign key joined with a
     * filtered primary key keeps the filter's share of rows (containment of the filtered keys would keep them all).
     */
    public static double joinedRows(double l, double r, double domainL, double domainR) {
        return l * r / Math.max(1, Math.max(domainL, domainR));
    }

    /**
     * The number of values the key {@code columns} of {@code rel} range over in the tables they come from (filters
     * aside): a table's row count when they are its primary key, else the product of the columns' distinct counts,
     * at most the largest table involved.
     */
    public double keyDomain(RelNode rel, List<Integer> columns) {
        double product = 1;
        double cap = 0;
        TableScan common = null;
        boolean oneScan = true;
        java.util.Set<Integer> scanColumns = new java.util.HashSet<>();
        for (int c : columns) {
            Optional<Origin> o = origin(rel, c);
            if (o.isEmpty()) {
                product *= distinct(rel, c);
                cap = Math.max(cap, rows(rel));
                oneScan = false;
                continue;
            }
            product *= columnDomain(o.get());
            cap = Math.max(cap, rows(o.get().scan()));
            oneScan &= common == null || common == o.get().scan();
            common = o.get().scan();
            scanColumns.add(o.get().column());
        }
        if (oneScan && common != null) {
            StorageCatalog.StorageTable table = common.getTable().unwrap(StorageCatalog.StorageTable.class);
            if (table != null && table.tableSchema().hasPrimaryKey()) {
                boolean coversKey = true;
                for (int k : table.tableSchema().keyPositions()) {
                    coversKey &= scanColumns.contains(k);
                }
                if (coversKey) {
                    return rows(common);
                }
            }
        }
        return Math.max(1, Math.min(product, cap));
    }

    /** A table column as a query's output column reaches it, unchanged. */
    record Origin(TableScan scan, int column) {
    }

    Optional<Origin> origin(RelNode rel, int column) {
        if (rel instanceof TableScan ts) {
            return Optional.of(new Origin(ts, column));
        }
        if (rel instanceof Filter || rel instanceof Sort) {
            return origin(rel.getInput(0), column);
        }
        if (rel instanceof Project p && stripCast(p.getProjects().get(column)) instanceof RexInputRef ref) {
            return origin(p.getInput(), ref.getIndex());
        }
        if (rel instanceof Join j) {
            int leftWidth = j.getLeft().getRowType().getFieldCount();
            return column < leftWidth ? origin(j.getLeft(), column) : origin(j.getRight(), column - leftWidth);
        }
        if (rel instanceof Aggregate a && column < a.getGroupCount()) {
            return origin(a.getInput(), a.getGroupSet().nth(column));
        }
        return Optional.empty();
    }

    /** Distinct values of a table column in the whole table. */
    private double columnDomain(Origin o) {
        return distinct(o.scan(), o.column());
    }

    /** Estimated distinct values of output column {@code column} of {@code rel}, at most its rows. */
    double distinct(RelNode rel, int column) {
        Map<Integer, Double> memo = distinctMemo.computeIfAbsent(rel, k -> new java.util.HashMap<>());
        Double known = memo.get(column);
        if (known != null) {
            return known;
        }
        double d = Math.max(1, Math.min(rows(rel), computeDistinct(rel, column)));
        memo.put(column, d);
        return d;
    }

    private double computeDistinct(RelNode rel, int column) {
        if (rel instanceof TableScan ts) {
            StorageCatalog.StorageTable table = ts.getTable().unwrap(StorageCatalog.StorageTable.class);
            if (table == null) {
                return rows(rel);
            }
            var schema = table.tableSchema();
            if (schema.primaryKey().size() == 1 && schema.keyPositions()[0] == column) {
                return rows(rel);
            }
            // without statistics, a column other than the key is guessed to repeat each value ten times
            return columnStats(ts, column).map(s -> (double) s.distinct()).orElse(rows(rel) / 10);
        }
        if (rel instanceof Filter f) {
            if (pinned(f.getCondition(), column)) {
                return 1;
            }
            return distinct(f.getInput(), column);
        }
        if (rel instanceof Project p) {
            RexNode e = stripCast(p.getProjects().get(column));
            if (e instanceof RexInputRef ref) {
                return distinct(p.getInput(), ref.getIndex());
            }
            if (e instanceof RexLiteral) {
                return 1;
            }
            return computedDistinct(p.getInput(), e);
        }
        if (rel instanceof Join j) {
            int leftWidth = j.getLeft().getRowType().getFieldCount();
            return column < leftWidth ? distinct(j.getLeft(), column) : distinct(j.getRight(), column - leftWidth);
        }
        if (rel instanceof Aggregate a) {
            if (column < a.getGroupCount()) {
                return distinct(a.getInput(), a.getGroupSet().nth(column));
            }
            return rows(rel);
        }
        if (rel instanceof Sort s) {
            return distinct(s.getInput(), column);
        }
        return rows(rel);
    }

    /**
     * Distinct values of an expression over {@code input}'s columns: a deterministic expression takes at most as many
     * values as the combinations of the columns it reads (so {@code extract(year from d)} or {@code ascii(flag)} is
     * not taken for a unique key, which would make an aggregation by it look as large as its input).
     */
    private double computedDistinct(RelNode input, RexNode e) {
        if (!org.apache.calcite.rex.RexUtil.isDeterministic(e)) {
            return rows(input);
        }
        double product = 1;
        for (int ref : org.apache.calcite.plan.RelOptUtil.InputFinder.bits(e)) {
            product *= distinct(input, ref);
        }
        return product;
    }

    /** The statistics of the table column behind output {@code column} of {@code rel}, when it is one unchanged. */
    public Optional<ColumnStats> columnStats(RelNode rel, int column) {
        // each lookup opens a snapshot of the table: once per column and query is enough
        return origin(rel, column).flatMap(o -> statsMemo.computeIfAbsent(o, this::lookUpStats));
    }

    /**
     * The share of {@code ts}'s table a scan with {@code filter} reads (the rest is in files it skips): 1 where that
     * is not known.
     */
    public double shareRead(TableScan ts, io.rhei.storage.ScanFilter filter) {
        StorageCatalog.StorageTable table = ts.getTable().unwrap(StorageCatalog.StorageTable.class);
        if (table == null) {
            return 1;
        }
        return statistics.shareRead(table.tableSchema().table(), filter);
    }

    private Optional<ColumnStats> lookUpStats(Origin o) {
        StorageCatalog.StorageTable table = o.scan().getTable().unwrap(StorageCatalog.StorageTable.class);
        if (table == null) {
            return Optional.empty();
        }
        TableId id = table.tableSchema().table();
        return statistics.of(id, table.tableSchema().column(o.column()).name(), allocator);
    }

    /** The share of {@code input}'s rows that satisfy {@code condition} (over {@code input}'s fields). */
    public double selectivity(RelNode input, RexNode condition) {
        if (condition == null || condition.isAlwaysTrue()) {
            return 1;
        }
        if (condition.isAlwaysFalse()) {
            return 0;
        }
        return switch (condition.getKind()) {
            case AND -> {
                double s = 1;
                for (RexNode c : ((RexCall) condition).getOperands()) {
                    s *= selectivity(input, c);
                }
                yield s;
            }
            case OR -> {
                double none = 1;
                for (RexNode c : ((RexCall) condition).getOperands()) {
                    none *= 1 - selectivity(input, c);
                }
                yield 1 - none;
            }
            case NOT -> 1 - selectivity(input, ((RexCall) condition).getOperands().get(0));
            case EQUALS, NOT_EQUALS -> {
                RexCall call = (RexCall) condition;
                RexNode a = stripCast(call.getOperands().get(0));
                RexNode b = stripCast(call.getOperands().get(1));
                double eq;
                if (a instanceof RexInputRef ra && b instanceof RexInputRef rb) {
                    eq = 1 / Math.max(distinct(input, ra.getIndex()), distinct(input, rb.getIndex()));
                } else if (a instanceof RexInputRef ra && b instanceof RexLiteral) {
                    eq = 1 / distinct(input, ra.getIndex());
                } else if (b instanceof RexInputRef rb && a instanceof RexLiteral) {
                    eq = 1 / distinct(input, rb.getIndex());
                } else {
                    eq = 0.15;
                }
                yield condition.getKind() == SqlKind.EQUALS ? eq : 1 - eq;
            }
            case SEARCH -> search(input, (RexCall) condition);
            case LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> comparison(input, (RexCall) condition);
            case IS_NULL, IS_NOT_NULL -> {
                RexNode a = stripCast(((RexCall) condition).getOperands().get(0));
                double nulls = a instanceof RexInputRef ref ? columnStats(input, ref.getIndex()).map(ColumnStats::nullFraction).orElse(0.1) : 0.1;
                yield condition.getKind() == SqlKind.IS_NULL ? nulls : 1 - nulls;
            }
            default -> DEFAULT_OTHER;
        };
    }

    private double search(RelNode input, RexCall call) {
        RexNode a = stripCast(call.getOperands().get(0));
        if (!(a instanceof RexInputRef ref) || !(call.getOperands().get(1) instanceof RexLiteral lit)) {
            return DEFAULT_OTHER;
        }
        Sarg<?> sarg = lit.getValueAs(Sarg.class);
        if (sarg == null) {
            return DEFAULT_OTHER;
        }
        double ndv = distinct(input, ref.getIndex());
        if (sarg.isPoints()) {
            return Math.min(1, sarg.pointCount / ndv);
        }
        if (sarg.isComplementedPoints()) {
            return Math.max(0, 1 - sarg.negate().pointCount / ndv);
        }
        Optional<ColumnStats> stats = columnStats(input, ref.getIndex());
        double s = 0;
        for (Object o : sarg.rangeSet.asRanges()) {
            Range<?> r = (Range<?>) o;
            double lo = r.hasLowerBound() ? number(r.lowerEndpoint()) : Double.NEGATIVE_INFINITY;
            double hi = r.hasUpperBound() ? number(r.upperEndpoint()) : Double.POSITIVE_INFINITY;
            if (r.hasLowerBound() && r.hasUpperBound() && lo == hi) {
                s += 1 / ndv;
            } else {
                s += rangeShare(stats, lo, hi);
            }
        }
        return Math.min(1, s);
    }

    private double comparison(RelNode input, RexCall call) {
        RexNode a = stripCast(call.getOperands().get(0));
        RexNode b = stripCast(call.getOperands().get(1));
        SqlKind kind = call.getKind();
        if (b instanceof RexInputRef && a instanceof RexLiteral) {
            RexNode t = a;
            a = b;
            b = t;
            kind = kind.reverse();
        }
        if (!(a instanceof RexInputRef ref) || !(b instanceof RexLiteral lit)) {
            return DEFAULT_RANGE;
        }
        double v = number(lit.getValue4());
        boolean below = kind == SqlKind.LESS_THAN || kind == SqlKind.LESS_THAN_OR_EQUAL;
        return rangeShare(columnStats(input, ref.getIndex()), below ? Double.NEGATIVE_INFINITY : v, below ? v : Double.POSITIVE_INFINITY);
    }

    /** The share of a column's [min, max] that [lo, hi] covers; a fixed guess without a known range. */
    private static double rangeShare(Optional<ColumnStats> stats, double lo, double hi) {
        if (Double.isNaN(lo) || Double.isNaN(hi) || stats.isEmpty() || !stats.get().hasRange()) {
            return DEFAULT_RANGE;
        }
        double min = stats.get().min();
        double max = stats.get().max();
        if (max <= min) {
            return lo <= min && min <= hi ? 1 : 0;
        }
        double covered = Math.min(hi, max) - Math.max(lo, min);
        return Math.max(0.001, Math.min(1, covered / (max - min)));
    }

    /** A literal's value on the scale of {@link ColumnStats#min()}, NaN when it has none. */
    private static double number(Object value) {
        if (value instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof DateString d) {
            return d.getDaysSinceEpoch();
        }
        if (value instanceof java.util.Calendar c) {
            return Math.floorDiv(c.getTimeInMillis(), 86_400_000L);
        }
        if (value instanceof TimestampString t) {
            return t.getMillisSinceEpoch() * 1000.0;
        }
        return Double.NaN;
    }

    /** Whether {@code condition} fixes {@code column} to one value ({@code column = literal} among its conjuncts). */
    private static boolean pinned(RexNode condition, int column) {
        for (RexNode c : org.apache.calcite.plan.RelOptUtil.conjunctions(condition)) {
            if (c.getKind() == SqlKind.EQUALS) {
                List<RexNode> ops = ((RexCall) c).getOperands();
                RexNode a = stripCast(ops.get(0));
                RexNode b = stripCast(ops.get(1));
                if (a instanceof RexInputRef r && r.getIndex() == column && b instanceof RexLiteral
                        || b instanceof RexInputRef r2 && r2.getIndex() == column && a instanceof RexLiteral) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Calcite's fixed guess for a condition it cannot estimate (15% an equality, 50% a comparison, 25% else). */
    public static double guess(RexNode condition) {
        return org.apache.calcite.rel.metadata.RelMdUtil.guessSelectivity(condition);
    }

    static RexNode stripCast(RexNode e) {
        while (e.getKind() == SqlKind.CAST) {
            e = ((RexCall) e).getOperands().get(0);
        }
        return e;
    }
}
