package io.rhei.olap.physical;

import io.rhei.olap.sql.Bpchar;
import io.rhei.olap.stats.Cardinality;

import io.rhei.core.model.TableId;
import io.rhei.olap.UnsupportedSqlException;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.comet.serde.ExprOuterClass.BoundReference;
import org.apache.comet.serde.ExprOuterClass.Cast;
import org.apache.comet.serde.ExprOuterClass.EvalMode;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.OperatorOuterClass.BuildSide;
import org.apache.comet.serde.OperatorOuterClass.HashJoin;
import org.apache.comet.serde.OperatorOuterClass.JoinType;
import org.apache.comet.serde.OperatorOuterClass.Limit;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Projection;
import org.apache.comet.serde.OperatorOuterClass.Scan;
import org.apache.comet.serde.Types.DataType;
import org.apache.comet.serde.Types.DataType.DataTypeId;

import java.util.ArrayList;
import java.util.List;

/**
 * Lowers an optimised Calcite plan to DataFusion's physical operators: table scans (fed from storage, only the
 * columns the query uses), projections, filters, two-phase hash aggregation, sort (top-k when there is a LIMIT)
 * and limit/offset. Relational operators not lowered yet are refused by name.
 */
public final class PlanLowering {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlanLowering.class);
    final String sql;
    final RexBuilder rexBuilder;
    final RexLowering rex;
    final List<ScanInput> scans = new ArrayList<>();
    /** The table scan each entry of {@link #scans} came from (null for other inputs). */
    final List<RelNode> scanRels = new ArrayList<>();
    final int parallelism;
    final Cardinality cardinality;
    final long parallelMinRows;
    private int nextPlanId = 1;
    int nextStage = 1;
    /**
     * Join sides already run first in shares ({@link BuildSideInShares}) and parts computed once ({@link SharedSubtrees}):
     * no stage above splits a table inside them.
     */
    final java.util.Set<RelNode> staged = new java.util.HashSet<>();
    /** While the input of an aggregation in shares by key range is lowered: which tables its shares divide. */
    KeyRangeShares.Partition keyShares;
    /** The plan's repeated parts, and the input of each once lowered, by its key. */
    private SharedSubtrees shared;
    private final java.util.Map<String, ScanInput.Shared> sharedInputs = new java.util.HashMap<>();

    public PlanLowering(String sql, RexBuilder rexBuilder, Cardinality cardinality, int parallelism, long parallelMinRows) {
        this.sql = sql;
        this.rexBuilder = rexBuilder;
        this.cardinality = cardinality;
        this.rex = new RexLowering(sql, rexBuilder);
        this.parallelism = parallelism;
        this.parallelMinRows = parallelMinRows;
    }

    public List<ScanInput> scans() {
        return scans;
    }

    /**
     * Whether a part of the plan may run in shares: parallelism is on, and it is not already inside a stage in shares
     * by key range (whose shares each run one plan).
     */
    boolean sharesAllowed() {
        return parallelism > 1 && keyShares == null;
    }

    /** Whether {@code rel} runs apart from the plan around it: a join side run first, or a part computed once. */
    boolean isStagedOrShared(RelNode rel) {
        return staged.contains(rel) || shared != null && shared.keyOf(rel) != null;
    }

    /** Lowerings of the union branches this one planned. */
    private final List<PlanLowering> branchLowerings = new ArrayList<>();

    /** Whether the plan reads the clock (now(), current_date), so that it must not be reused. */
    public boolean usesClock() {
        return rex.usesClock() || branchLowerings.stream().anyMatch(PlanLowering::usesClock);
    }

    /** Lowers the whole plan {@code root}: parts of it that repeat are computed once ({@link SharedSubtrees}). */
    public Operator lowerRoot(RelNode root) {
        shared = SharedSubtrees.of(root, cardinality);
        staged.addAll(shared.all());
        return lower(root);
    }

    public Operator lower(RelNode rel) {
        String sharedKey = shared == null ? null : shared.keyOf(rel);
        if (sharedKey != null) {
            return sharedScan(rel, sharedKey);
        }
        if (rel instanceof Project p) {
            return project(p);
        }
        if (rel instanceof TableScan ts) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < ts.getRowType().getFieldCount(); i++) {
                all.add(i);
            }
            return scan(ts, all);
        }
        if (rel instanceof Filter f) {
            int scansBefore = scans.size();
            Operator child = lower(f.getInput());
            pushIntoScan(f, scansBefore);
            return op(child).setFilter(org.apache.comet.serde.OperatorOuterClass.Filter.newBuilder()
                    .setPredicate(rex.lowerOver(f.getInput(), ConjunctOrder.order(f.getCondition(), f.getInput(), cardinality, rexBuilder)))).build();
        }
        if (rel instanceof Aggregate a) {
            return new AggregateLowering(this).aggregate(a);
        }
        if (rel instanceof Sort s) {
            return sort(s);
        }
        if (rel instanceof Join j) {
            return join(j);
        }
        if (rel instanceof Union u) {
            return union(u);
        }
        if (rel instanceof org.apache.calcite.rel.core.Window w) {
            return new WindowLowering(this).window(w);
        }
        if (rel instanceof org.apache.calcite.rel.core.Values v) {
            return values(v);
        }
        throw new UnsupportedSqlException(sql, relName(rel));
    }

    private static String relName(RelNode rel) {
        String n = rel.getRelTypeName().replace("Logical", "");
        return switch (n) {
            case "Join" -> "joins";
            case "Union" -> "UNION";
            case "Values" -> "queries without FROM / VALUES";
            case "Window" -> "window functions (OVER)";
            case "Correlate" -> "correlated subqueries";
            case "Intersect" -> "INTERSECT ALL";
            case "Minus" -> "EXCEPT ALL";
            default -> "relational operator " + n;
        };
    }

    Operator.Builder op(Operator... children) {
        Operator.Builder b = Operator.newBuilder().setPlanId(nextPlanId++);
        for (Operator c : children) {
            b.addChildren(c);
        }
        return b;
    }

    private Operator scan(TableScan ts, List<Integer> columns) {
        List<String> qualified = ts.getTable().getQualifiedName();
        io.rhei.olap.sql.StorageCatalog.StorageTable stored = ts.getTable().unwrap(io.rhei.olap.sql.StorageCatalog.StorageTable.class);
        // the table itself, not the name it was reached by (pg_class unqualified is pg_catalog.pg_class)
        TableId table = stored != null ? stored.tableSchema().table()
                : TableId.of(qualified.get(qualified.size() - 2), qualified.get(qualified.size() - 1));
        List<RelDataTypeField> fields = ts.getRowType().getFieldList();
        Scan.Builder s = Scan.newBuilder().setSource(table.toString()).setArrowFfiSafe(true);
        List<String> names = new ArrayList<>();
        for (int c : columns) {
            RelDataTypeField f = fields.get(c);
            if (f.getType().getSqlTypeName() == SqlTypeName.TIME) {
                throw new UnsupportedSqlException(sql, "columns of PostgreSQL type time (" + table + "." + f.getName() + ")");
            }
            s.addFields(CometTypes.of(f.getType()));
            names.add(f.getName());
        }
        Integer key = keyShares == null ? null : keyShares.keyColumns().get(ts);
        KeyRange range = key == null ? null : keyShares.rangeOf(ts);
        scans.add(new ScanInput.Table(table, names, io.rhei.storage.ScanFilter.ALL, range));
        scanRels.add(ts);
        Operator scan = op().setScan(s).build();
        if (key == null) {
            return scan;
        }
        return op(scan).setFilter(org.apache.comet.serde.OperatorOuterClass.Filter.newBuilder()
                .setPredicate(KeyRangeShares.ownRange(keyShares, columns.indexOf(key), fields.get(key).getType()))).build();
    }

    /**
     * A filter straight over a table scan (or over the column-trimming projection on one) hands the scan what of
     * its condition the files can evaluate; the native filter still applies all of it.
     */
    private void pushIntoScan(Filter f, int scansBefore) {
        if (scans.size() != scansBefore + 1 || !(scans.get(scansBefore) instanceof ScanInput.Table t)) {
            return;
        }
        RelNode input = f.getInput();
        boolean scanOnly = input instanceof TableScan
                || input instanceof Project p && p.getInput() instanceof TableScan && p.getProjects().stream().allMatch(e -> e instanceof RexInputRef);
        if (!scanOnly) {
            return;
        }
        List<String> inputColumns = new ArrayList<>();
        List<org.apache.calcite.rel.type.RelDataType> types = new ArrayList<>();
        List<RelDataTypeField> tableFields = (input instanceof TableScan ts ? ts : (TableScan) input.getInput(0)).getRowType().getFieldList();
        if (input instanceof Project p) {
            for (RexNode e : p.getProjects()) {
                RelDataTypeField field = tableFields.get(((RexInputRef) e).getIndex());
                inputColumns.add(field.getName());
                types.add(field.getType());
            }
        } else {
            tableFields.forEach(field -> {
                inputColumns.add(field.getName());
                types.add(field.getType());
            });
        }
        io.rhei.storage.ScanFilter pushed = ScanFilters.extract(f.getCondition(), inputColumns, types);
        scans.set(scansBefore, new ScanInput.Table(t.table(), t.columns(), pushed, t.keyRange()));
    }

    /** A projection straight over a table scans only the columns it uses (the field trimmer puts one above every scan). */
    private Operator project(Project p) {
        Project once = CommonSubexpressions.hoist(p);
        if (once != null) {
            return project(once);
        }
        Operator child;
        List<RexNode> exprs = p.getProjects();
        if (p.getInput() instanceof TableScan ts) {
            ImmutableBitSet used = RelOptUtilHolder.inputs(exprs);
            Integer key = keyShares == null ? null : keyShares.keyColumns().get(ts);
            if (key != null) {
                used = used.union(ImmutableBitSet.of(key)); // a share keeps its rows by the key, used or not
            }
            List<Integer> columns = used.asList();
            int[] remap = new int[ts.getRowType().getFieldCount()];
            for (int i = 0; i < columns.size(); i++) {
                remap[columns.get(i)] = i;
            }
            child = scan(ts, columns);
            exprs = exprs.stream().map(e -> e.accept(new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    return new RexInputRef(remap[ref.getIndex()], ref.getType());
                }
            })).toList();
            if (isIdentity(exprs, columns.size())) {
                return child;
            }
        } else {
            child = lower(p.getInput());
        }
        Projection.Builder pb = Projection.newBuilder();
        for (RexNode e : exprs) {
            // over a table scan the references were renumbered to the scanned columns: no origins for those
            pb.addProjectList(p.getInput() instanceof TableScan ? rex.lower(e) : rex.lowerOver(p.getInput(), e));
        }
        return op(child).setProjection(pb).build();
    }

    private static boolean isIdentity(List<RexNode> exprs, int width) {
        if (exprs.size() != width) {
            return false;
        }
        for (int i = 0; i < exprs.size(); i++) {
            if (!(exprs.get(i) instanceof RexInputRef r) || r.getIndex() != i) {
                return false;
            }
        }
        return true;
    }


    /** {@code e} of type {@code t}, 0 where it is NULL ($SUM0: a SUM that gives 0 rather than NULL). */
    static Expr zeroIfNull(Expr e, RelDataType t) {
        return Expr.newBuilder().setScalarFunc(org.apache.comet.serde.ExprOuterClass.ScalarFunc.newBuilder().setFunc("coalesce")
                .addArgs(e).addArgs(castExpr(zero(), CometTypes.of(t))).setReturnType(CometTypes.of(t))).build();
    }

    Expr castTo(Expr e, RelDataType from, RelDataType to) {
        return rex.castExpr(e, from, to);
    }


    static Expr castExpr(Expr e, DataType to) {
        return Expr.newBuilder().setCast(Cast.newBuilder().setChild(e).setDatatype(to).setEvalMode(EvalMode.ANSI).setTimezone("UTC")
                .setAllowIncompat(true)).build();
    }

    private static Expr zero() {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setIntVal(0).setDatatype(CometTypes.id(DataTypeId.INT32))).build();
    }

    static Expr one() {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setIntVal(1).setDatatype(CometTypes.id(DataTypeId.INT32))).build();
    }

    static Expr bound(int index, RelDataType t) {
        return Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(index).setDatatype(CometTypes.of(t))).build();
    }

    private Operator sort(Sort s) {
        int scansBefore = scans.size();
        Operator child = lower(s.getInput());
        int offset = s.offset == null ? 0 : RexLiteral.intValue(s.offset);
        Integer fetch = s.fetch == null ? null : RexLiteral.intValue(s.fetch);
        List<RelFieldCollation> keys = s.getCollation().getFieldCollations();
        Operator out = child;
        if (!keys.isEmpty()) {
            org.apache.comet.serde.OperatorOuterClass.Sort.Builder sb = org.apache.comet.serde.OperatorOuterClass.Sort.newBuilder();
            List<RelDataTypeField> fields = s.getInput().getRowType().getFieldList();
            for (RelFieldCollation k : keys) {
                sb.addSortOrders(WindowLowering.sortOrder(k, fields.get(k.getFieldIndex()).getType()));
            }
            if (fetch != null) {
                sb.setFetch(fetch + offset); // top-k
            }
            out = op(child).setSort(sb).build();
            if (fetch != null && sharesAllowed()) {
                out = TopKInShares.lower(this, s, out, sb, scansBefore);
            }
        }
        if (offset > 0 || (fetch != null && keys.isEmpty())) {
            Limit.Builder lb = Limit.newBuilder().setLimit(fetch == null ? Integer.MAX_VALUE : fetch + offset).setOffset(offset);
            out = op(out).setLimit(lb).build();
        }
        return out;
    }

    private Operator join(Join j) {
        JoinInfo info = j.analyzeCondition();
        JoinType type = switch (j.getJoinType()) {
            case INNER -> JoinType.Inner;
            case LEFT -> JoinType.LeftOuter;
            case RIGHT -> JoinType.RightOuter;
            case FULL -> JoinType.FullOuter;
            case SEMI -> JoinType.LeftSemi;
            case ANTI -> JoinType.LeftAnti;
            default -> throw new UnsupportedSqlException(sql, j.getJoinType() + " joins");
        };
        int scansBefore = scans.size();
        // The hash table is built on the side the planner estimates smaller.
        boolean buildLeft = cardinality.rows(j.getLeft()) < cardinality.rows(j.getRight());
        Operator left = lower(j.getLeft());
        if (buildLeft) {
            left = BuildSideInShares.lower(this, j.getLeft(), j.getRight(), left, scansBefore);
        }
        int rightScans = scans.size();
        Operator right = lower(j.getRight());
        if (!buildLeft) {
            right = BuildSideInShares.lower(this, j.getRight(), j.getLeft(), right, rightScans);
        }
        List<RelDataTypeField> lf = j.getLeft().getRowType().getFieldList();
        List<RelDataTypeField> rf = j.getRight().getRowType().getFieldList();
        HashJoin.Builder hj = HashJoin.newBuilder().setJoinType(type).setBuildSide(buildLeft ? BuildSide.BuildLeft : BuildSide.BuildRight);
        for (int k = 0; k < info.leftKeys.size(); k++) {
            RelDataType lt = lf.get(info.leftKeys.get(k)).getType();
            RelDataType rt = rf.get(info.rightKeys.get(k)).getType();
            RelDataType common = rexBuilder.getTypeFactory().leastRestrictive(List.of(lt, rt));
            if (common == null) {
                throw new UnsupportedSqlException(sql, "join of " + lt.getFullTypeString() + " with " + rt.getFullTypeString());
            }
            if (Bpchar.storedLength(j.getLeft(), info.leftKeys.get(k)) > 0
                    && Bpchar.storedLength(j.getLeft(), info.leftKeys.get(k)) == Bpchar.storedLength(j.getRight(), info.rightKeys.get(k))) {
                // two stored char(n) columns of one length: both padded to n, equal exactly when equal as bpchar
                hj.addLeftJoinKeys(bound(info.leftKeys.get(k), lt));
                hj.addRightJoinKeys(bound(info.rightKeys.get(k), rt));
                continue;
            }
            if (lt.getSqlTypeName() == SqlTypeName.CHAR || rt.getSqlTypeName() == SqlTypeName.CHAR) {
                // char(n) keys match as PostgreSQL's bpchar does: without trailing blanks
                hj.addLeftJoinKeys(RexLowering.rtrim(bound(info.leftKeys.get(k), lt)));
                hj.addRightJoinKeys(RexLowering.rtrim(bound(info.rightKeys.get(k), rt)));
                continue;
            }
            hj.addLeftJoinKeys(castTo(bound(info.leftKeys.get(k), lt), lt, common));
            hj.addRightJoinKeys(castTo(bound(info.rightKeys.get(k), rt), rt, common));
        }
        if (info.leftKeys.isEmpty()) {
            // No equality to hash on (a cross join, a non-equi join, or a decorrelated scalar subquery): every row
            // shares one constant key and the condition filters the pairs. Correct for every join type, but it
            // compares all pairs: cost is the product of the two sides.
            hj.addLeftJoinKeys(one()).addRightJoinKeys(one());
        }
        if (!info.isEqui()) {
            RexNode remaining = info.getRemaining(rexBuilder);
            if (!remaining.isAlwaysTrue()) {
                // over both sides' columns (the join's output where it has them): stored char(n) compare untrimmed
                hj.setCondition(j.getJoinType().projectsRight() ? rex.lowerOver(j, remaining) : rex.lower(remaining));
            }
        }
        return SemiJoinInShares.lower(this, j, op(left, right).setHashJoin(hj).build(), scansBefore);
    }


    /** UNION ALL: each branch is its own native plan, cast to the union's types; a scan feeds their results. */
    private Operator union(Union u) {
        if (!u.all) {
            throw new UnsupportedSqlException(sql, "UNION without ALL (rewritten by the planner; not expected here)");
        }
        List<RelDataTypeField> fields = u.getRowType().getFieldList();
        List<LoweredPlan> branches = new ArrayList<>();
        for (RelNode input : u.getInputs()) {
            List<RexNode> casts = new ArrayList<>();
            // the cast goes on the branch's own expression where it has one: a string constant cast to the union's
            // varchar is text with its blanks, where the same cast of a column reference reads as a char(n) value's
            RelNode source = input;
            List<RexNode> exprs = new ArrayList<>();
            if (input instanceof org.apache.calcite.rel.core.Project p && p.getVariablesSet().isEmpty()) {
                source = p.getInput();
                exprs.addAll(p.getProjects());
            } else {
                for (int i = 0; i < fields.size(); i++) {
                    exprs.add(rexBuilder.makeInputRef(input, i));
                }
            }
            for (int i = 0; i < fields.size(); i++) {
                RexNode expr = exprs.get(i);
                casts.add(sameType(expr.getType(), fields.get(i).getType()) ? expr
                        : rexBuilder.makeCast(fields.get(i).getType(), expr, true, false));
            }
            RelNode branch = org.apache.calcite.rel.logical.LogicalProject.create(source, List.of(), casts, u.getRowType().getFieldNames(),
                    java.util.Set.of());
            branches.add(lowerApart(branch, u.getRowType()));
        }
        return scanOf(new ScanInput.Materialized(branches), "union", fields);
    }

    /** {@code rel} lowered as a plan of its own, which runs before the plan that reads its rows as columns of {@code rowType}. */
    private LoweredPlan lowerApart(RelNode rel, RelDataType rowType) {
        PlanLowering sub = new PlanLowering(sql, rexBuilder, cardinality, parallelism, parallelMinRows);
        branchLowerings.add(sub);
        Operator op = sub.lower(rel);
        List<org.apache.arrow.vector.types.pojo.Field> schema = new ArrayList<>();
        for (RelDataTypeField f : rowType.getFieldList()) {
            schema.add(new org.apache.arrow.vector.types.pojo.Field(f.getName(),
                    org.apache.arrow.vector.types.pojo.FieldType.nullable(CometTypes.arrow(f.getType())), null));
        }
        return new LoweredPlan(sql, op, List.copyOf(sub.scans()), rowType.getFieldNames(), new org.apache.arrow.vector.types.pojo.Schema(schema),
                () -> "");
    }

    /** A scan named {@code source} of {@code input}'s rows, with columns of {@code fields}' types. */
    private Operator scanOf(ScanInput input, String source, List<RelDataTypeField> fields) {
        Scan.Builder s = Scan.newBuilder().setSource(source).setArrowFfiSafe(true);
        for (RelDataTypeField f : fields) {
            s.addFields(CometTypes.of(f.getType()));
        }
        scans.add(input);
        scanRels.add(null);
        return op().setScan(s).build();
    }

    /**
     * A repeated part of the plan: lowered once, as a plan of its own that runs first, and read here as a scan of its
     * rows. Every occurrence reads the same input, which runs once for the query ({@code PlanRunner}).
     */
    private Operator sharedScan(RelNode rel, String key) {
        ScanInput.Shared input = sharedInputs.get(key);
        if (input == null) {
            input = new ScanInput.Shared(lowerApart(rel, rel.getRowType()), "rhei:shared:" + nextStage++);
            sharedInputs.put(key, input);
        }
        return scanOf(input, input.source(), rel.getRowType().getFieldList());
    }

    /** VALUES and queries without FROM: a scan of the constant rows, built in Java ({@link ScanInput.Values}). */
    private Operator values(org.apache.calcite.rel.core.Values v) {
        List<RelDataTypeField> fields = v.getRowType().getFieldList();
        List<org.apache.arrow.vector.types.pojo.Field> schema = new ArrayList<>();
        Scan.Builder s = Scan.newBuilder().setSource("values").setArrowFfiSafe(true);
        for (RelDataTypeField f : fields) {
            schema.add(new org.apache.arrow.vector.types.pojo.Field(f.getName(),
                    org.apache.arrow.vector.types.pojo.FieldType.nullable(CometTypes.arrow(f.getType())), null));
            s.addFields(CometTypes.of(f.getType()));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (List<RexLiteral> tuple : v.getTuples()) {
            List<Object> row = new ArrayList<>();
            for (int i = 0; i < tuple.size(); i++) {
                row.add(constant(tuple.get(i), fields.get(i).getType()));
            }
            rows.add(row);
        }
        scans.add(new ScanInput.Values(new org.apache.arrow.vector.types.pojo.Schema(schema), rows));
        scanRels.add(null);
        return op().setScan(s).build();
    }

    /** A literal as {@link io.rhei.olap.exec.ValuesBatch} takes it, in the column's type. */
    private Object constant(RexLiteral lit, RelDataType type) {
        if (lit.isNull()) {
            return null;
        }
        return switch (type.getSqlTypeName()) {
            case BOOLEAN -> lit.getValueAs(Boolean.class);
            case TINYINT, SMALLINT, INTEGER, BIGINT -> lit.getValueAs(Long.class);
            case REAL, FLOAT, DOUBLE -> lit.getValueAs(Double.class);
            case DECIMAL -> lit.getValueAs(java.math.BigDecimal.class).setScale(type.getScale(), java.math.RoundingMode.HALF_UP);
            case CHAR, VARCHAR -> lit.getValueAs(String.class);
            case DATE -> lit.getValueAs(org.apache.calcite.util.DateString.class).getDaysSinceEpoch();
            case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> lit.getValueAs(org.apache.calcite.util.TimestampString.class).getMillisSinceEpoch() * 1000;
            default -> throw new UnsupportedSqlException(sql, "a VALUES column of type " + type.getFullTypeString());
        };
    }

    private static boolean sameType(RelDataType a, RelDataType b) {
        return a.getSqlTypeName() == b.getSqlTypeName() && a.getPrecision() == b.getPrecision() && a.getScale() == b.getScale();
    }

    /** Input columns an expression list reads. */
    private static final class RelOptUtilHolder {
        static ImmutableBitSet inputs(List<RexNode> exprs) {
            return org.apache.calcite.plan.RelOptUtil.InputFinder.bits(exprs, null);
        }
    }
}
