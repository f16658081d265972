package io.rhei.olap.physical;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.comet.serde.ExprOuterClass.BinaryExpr;
import org.apache.comet.serde.ExprOuterClass.EmptyExpr;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.ScalarFunc;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Scan;
import org.apache.comet.serde.Types.DataType.DataTypeId;

import java.util.List;

import static io.rhei.olap.physical.WrappingArithmetic.literal;
import static io.rhei.olap.physical.WrappingArithmetic.math;
import static io.rhei.olap.physical.WrappingArithmetic.times;

/**
 * An aggregation of many groups over one large table (TPC-H Q18's quantity per order: 1.5M groups from 6M rows) runs
 * in shares by key: every share reads the table in full, keeps the rows whose group key hashes to its own part of the
 * hash range, and aggregates them completely. The shares' groups are disjoint, so the plan above reads their results
 * one after the other with nothing to merge, and every aggregate function applies (DISTINCT ones included).
 * A split of the table's rows ({@link AggregateLowering}'s other way) would instead aggregate every group again when
 * merging, which costs as much as aggregating once when groups are many. The key's hash ({@code murmur3_hash}, on
 * the native group keys themselves, so equal keys share a share; integer keys by a multiplication instead) costs
 * nanoseconds a row in every share, and the table's filters and projections run in every share: hence one table only,
 * read through filters and projections.
 */
final class KeySharedAggregate {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeySharedAggregate.class);
    /** Hash buckets the shares divide: enough for an even division among any realistic number of cores. */
    private static final int BUCKETS = 256;
    /** 2^64 / the golden ratio: multiplying by it spreads consecutive keys over the product's top bits. */
    private static final long FIBONACCI = 0x9E3779B97F4A7C15L;

    private KeySharedAggregate() {
    }

    /**
     * Whether {@code a} (its input lowered, with scans from {@code scansBefore} on) runs in shares by key: shares are
     * on, its groups are too many for a split of rows to pay (or its aggregates do not merge), and its input is one
     * large table read through filters and projections, grouped by keys of {@code keyTypes} that hash exactly.
     */
    static boolean applies(PlanLowering plan, Aggregate a, List<RelDataType> keyTypes, boolean mergeable, int scansBefore) {
        if (!plan.sharesAllowed() || a.getGroupCount() == 0 || plan.scans.size() != scansBefore + 1
                || !(plan.scans.get(scansBefore) instanceof ScanInput.Table)) {
            return false;
        }
        // few groups of mergeable aggregates: a split of rows ran them in shares, or the table was too small for it
        if (mergeable && plan.cardinality.rows(a) * 8 <= plan.cardinality.rows(a.getInput())) {
            return false;
        }
        TableScan table = oneTable(a.getInput());
        if (table == null || plan.cardinality.rows(table) < plan.parallelMinRows) {
            return false;
        }
        for (RelDataType t : keyTypes) {
            if (!hashable(t)) {
                return false;
            }
        }
        LOG.debug("aggregation {}: ~{} groups from {}: in {} shares by key", a.getId(), plan.cardinality.rows(a),
                table.getTable().getQualifiedName(), plan.parallelism);
        return true;
    }

    /**
     * {@code child} (the aggregation's input) filtered to the rows whose native group {@code keys} (of {@code types})
     * fall in this share's part of the buckets.
     */
    static Operator ownKeys(PlanLowering plan, Operator child, List<Expr> keys, List<RelDataType> types) {
        boolean integers = types.stream().allMatch(t -> SqlTypeName.INT_TYPES.contains(t.getSqlTypeName()));
        int n = plan.parallelism;
        Expr share = Expr.newBuilder().setSparkPartitionId(EmptyExpr.newBuilder()).build();
        Expr own;
        if (integers && Integer.bitCount(n) == 1) {
            // n a power of two: the hash's top log2(n) bits, as a signed number, are the share (less its offset)
            int bits = Integer.numberOfTrailingZeros(n);
            Expr top = Expr.newBuilder().setBitwiseShiftRight(BinaryExpr.newBuilder().setLeft(fibonacci(keys, types))
                    .setRight(literal(64 - bits, DataTypeId.INT64))).build();
            Expr offsetShare = Expr.newBuilder().setSubtract(math(PlanLowering.castExpr(share, CometTypes.id(DataTypeId.INT64)),
                    literal(n / 2, DataTypeId.INT64), DataTypeId.INT64)).build();
            own = Expr.newBuilder().setEq(BinaryExpr.newBuilder().setLeft(nullAsZero(top, types)).setRight(offsetShare)).build();
        } else {
            DataTypeId type = integers ? DataTypeId.INT64 : DataTypeId.INT32;
            Expr bucket = integers ? multiplicativeBucket(keys, types) : murmur3Bucket(keys);
            // share i keeps buckets b with i * BUCKETS <= b * n < (i + 1) * BUCKETS: an even division for any n
            Expr scaled = times(bucket, literal(n, type), type);
            Expr from = times(integers ? PlanLowering.castExpr(share, CometTypes.id(type)) : share, literal(BUCKETS, type), type);
            Expr to = Expr.newBuilder().setAdd(math(from, literal(BUCKETS, type), type)).build();
            own = Expr.newBuilder().setAnd(BinaryExpr.newBuilder()
                    .setLeft(Expr.newBuilder().setGtEq(BinaryExpr.newBuilder().setLeft(scaled).setRight(from)))
                    .setRight(Expr.newBuilder().setLt(BinaryExpr.newBuilder().setLeft(scaled).setRight(to)))).build();
        }
        return plan.op(child).setFilter(org.apache.comet.serde.OperatorOuterClass.Filter.newBuilder().setPredicate(own)).build();
    }

    /**
     * Integer keys: Fibonacci hashing, the top byte of (k1 * C + k2) * C ... in wrapping 64-bit arithmetic, a
     * multiplication and a shift a row where {@code murmur3_hash} took as long as the aggregation's hash table; a NULL
     * key is bucket 0.
     */
    private static Expr multiplicativeBucket(List<Expr> keys, List<RelDataType> types) {
        Expr top = Expr.newBuilder().setBitwiseAnd(BinaryExpr.newBuilder().setLeft(Expr.newBuilder().setBitwiseShiftRight(
                BinaryExpr.newBuilder().setLeft(fibonacci(keys, types)).setRight(literal(56, DataTypeId.INT64))))
                .setRight(literal(BUCKETS - 1, DataTypeId.INT64))).build();
        return nullAsZero(top, types);
    }

    /** {@code e}, 0 where a nullable key made it NULL: a NULL key belongs to one share like any other. */
    private static Expr nullAsZero(Expr e, List<RelDataType> types) {
        boolean nullable = types.stream().anyMatch(RelDataType::isNullable);
        return nullable ? Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("coalesce").addArgs(e)
                .addArgs(literal(0, DataTypeId.INT64)).setReturnType(CometTypes.id(DataTypeId.INT64))).build() : e;
    }

    /** (k1 * C + k2) * C ... in wrapping 64-bit arithmetic. */
    private static Expr fibonacci(List<Expr> keys, List<RelDataType> types) {
        Expr h = null;
        for (int k = 0; k < keys.size(); k++) {
            Expr key = types.get(k).getSqlTypeName() == SqlTypeName.BIGINT ? keys.get(k)
                    : PlanLowering.castExpr(keys.get(k), CometTypes.id(DataTypeId.INT64));
            h = times(h == null ? key : Expr.newBuilder().setAdd(math(h, key, DataTypeId.INT64)).build(),
                    literal(FIBONACCI, DataTypeId.INT64), DataTypeId.INT64);
        }
        return h;
    }

    /** Other keys: Spark's {@code murmur3_hash} of them all (a NULL hashes too), its top 8 of 31 bits. */
    private static Expr murmur3Bucket(List<Expr> keys) {
        ScalarFunc.Builder hash = ScalarFunc.newBuilder().setFunc("murmur3_hash").setReturnType(CometTypes.id(DataTypeId.INT32));
        keys.forEach(hash::addArgs);
        hash.addArgs(literal(42, DataTypeId.INT32));
        Expr positive = Expr.newBuilder().setBitwiseAnd(BinaryExpr.newBuilder().setLeft(Expr.newBuilder().setScalarFunc(hash))
                .setRight(literal(Integer.MAX_VALUE, DataTypeId.INT32))).build();
        return Expr.newBuilder().setBitwiseShiftRight(BinaryExpr.newBuilder().setLeft(positive).setRight(literal(23, DataTypeId.INT32))).build();
    }

    /** {@code aggregated} (the whole aggregation, scans from {@code scansBefore} on) as the stage in shares by key. */
    static Operator inShares(PlanLowering plan, Aggregate a, Operator aggregated, int scansBefore) {
        Scan.Builder results = new ParallelShares(plan).byKey(aggregated, scansBefore, ParallelShares.columnTypes(a));
        return plan.op().setScan(results).build();
    }

    /** The one table {@code rel} reads through filters and projections; null when it reads anything else. */
    private static TableScan oneTable(RelNode rel) {
        while (rel instanceof Project || rel instanceof Filter) {
            rel = rel.getInput(0);
        }
        return rel instanceof TableScan ts ? ts : null;
    }

    /** Types whose values hash equal exactly when the native aggregation groups them together (no floats: -0.0). */
    private static boolean hashable(RelDataType t) {
        return switch (t.getSqlTypeName()) {
            case BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, DECIMAL, DATE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE, CHAR, VARCHAR -> true;
            default -> false;
        };
    }
}
