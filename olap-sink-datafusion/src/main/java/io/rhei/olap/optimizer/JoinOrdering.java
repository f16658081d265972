package io.rhei.olap.optimizer;

import io.rhei.olap.stats.Cardinality;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.rules.MultiJoin;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Orders the inputs of an inner multi-way join (a {@link MultiJoin} of inner joins only) by {@link Cardinality}'s
 * estimates: dynamic programming over connected subsets (every bushy tree) for up to {@value #EXHAUSTIVE_INPUTS}
 * inputs, greedy pairing beyond. A plan costs the rows its hash joins build (twice: building is dearer than
 * probing), probe and produce; the smaller side of each join is its right input, the build side. Columns equal by
 * the join condition form equivalence classes, so {@code a = b AND b = c} also lets {@code a} join {@code c}
 * directly. Outer joins stay with Calcite's heuristic ordering.
 */
public final class JoinOrdering {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JoinOrdering.class);
    static final int EXHAUSTIVE_INPUTS = 10;
    private final MultiJoin join;
    private final Cardinality cardinality;
    private final RexBuilder rexBuilder;
    private final int n;
    private final int[] inputOf;
    private final int[] offset;
    /** Per global field: the representative of its equivalence class (union-find). */
    private final int[] classOf;
    private final List<RexNode> others = new ArrayList<>();
    private final List<Integer> otherMasks = new ArrayList<>();
    private final List<RexNode> topFilters = new ArrayList<>();
    /** One-input plans, by input. */
    private final Plan[] leaves;
    /** The cheapest plan found per set of inputs (a bit mask), for the exhaustive search only. */
    private final Plan[] best;
    /** Equivalence classes of two or more fields: their fields, and the inputs those belong to as a bit mask. */
    private final List<int[]> classFields = new ArrayList<>();
    private final List<Integer> classInputs = new ArrayList<>();

    /** A join tree over the inputs in {@code mask}: its estimated rows and cost; a leaf has no children. */
    private record Plan(int mask, double rows, double cost, Plan left, Plan right) {
    }

    private JoinOrdering(MultiJoin join, Cardinality cardinality) {
        this.join = join;
        this.cardinality = cardinality;
        this.rexBuilder = join.getCluster().getRexBuilder();
        this.n = join.getInputs().size();
        this.offset = new int[n + 1];
        for (int i = 0; i < n; i++) {
            offset[i + 1] = offset[i] + join.getInputs().get(i).getRowType().getFieldCount();
        }
        this.inputOf = new int[offset[n]];
        for (int i = 0; i < n; i++) {
            for (int f = offset[i]; f < offset[i + 1]; f++) {
                inputOf[f] = i;
            }
        }
        this.classOf = new int[offset[n]];
        for (int f = 0; f < classOf.length; f++) {
            classOf[f] = f;
        }
        this.leaves = new Plan[n];
        this.best = n <= EXHAUSTIVE_INPUTS ? new Plan[1 << n] : null;
    }

    /** Whether {@link #reorder} handles {@code join}: inner joins only, few enough inputs to index. */
    public static boolean applies(MultiJoin join) {
        if (join.isFullOuterJoin() || join.getInputs().size() < 2 || join.getInputs().size() > 30) {
            return false;
        }
        for (int i = 0; i < join.getInputs().size(); i++) {
            if (join.getJoinTypes().get(i) != JoinRelType.INNER || join.getOuterJoinConditions().get(i) != null) {
                return false;
            }
        }
        return true;
    }

    /** The multi-join as a tree of binary inner joins in the estimated cheapest order, with the same output. */
    public static RelNode reorder(MultiJoin join, Cardinality cardinality) {
        return new JoinOrdering(join, cardinality).run();
    }

    private RelNode run() {
        for (RexNode c : RelOptUtil.conjunctions(join.getJoinFilter())) {
            classify(c);
        }
        deriveFromDisjunctions();
        for (int f = 0; f < classOf.length; f++) {
            if (find(f) != f) {
                continue;
            }
            List<Integer> members = new ArrayList<>();
            int inputs = 0;
            for (int g = 0; g < classOf.length; g++) {
                if (find(g) == f) {
                    members.add(g);
                    inputs |= 1 << inputOf[g];
                }
            }
            if (members.size() > 1) {
                classFields.add(members.stream().mapToInt(Integer::intValue).toArray());
                classInputs.add(inputs);
            }
        }
        if (join.getPostJoinFilter() != null) {
            topFilters.add(join.getPostJoinFilter());
        }
        for (int i = 0; i < n; i++) {
            leaves[i] = new Plan(1 << i, leafRows(i), 0, null, null);
        }
        Plan plan;
        if (best != null) {
            int all = (1 << n) - 1;
            for (int i = 0; i < n; i++) {
                best[1 << i] = leaves[i];
            }
            exhaustive(all, false);
            if (best[all] == null) {
                exhaustive(all, true); // a cross product is unavoidable: the inputs are not all connected
            }
            plan = best[all];
        } else {
            plan = greedy();
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("join order of {} inputs: {}", n, describe(plan));
        }
        List<Integer> fields = new ArrayList<>();
        RelNode tree = build(plan, fields);
        // back to the multi-join's field order
        List<RexNode> projects = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<RelDataTypeField> out = join.getRowType().getFieldList();
        for (int g = 0; g < offset[n]; g++) {
            projects.add(rexBuilder.makeInputRef(tree, fields.indexOf(g)));
            names.add(out.get(g).getName());
        }
        RelNode result = LogicalProject.create(tree, List.of(), projects, names, java.util.Set.of());
        if (!topFilters.isEmpty()) {
            result = LogicalFilter.create(result, RexUtil.composeConjunction(rexBuilder, topFilters));
        }
        return result;
    }

    private void classify(RexNode c) {
        if (c.getKind() == SqlKind.EQUALS) {
            List<RexNode> ops = ((RexCall) c).getOperands();
            if (ops.get(0) instanceof RexInputRef a && ops.get(1) instanceof RexInputRef b
                    && inputOf[a.getIndex()] != inputOf[b.getIndex()]
                    && org.apache.calcite.sql.type.SqlTypeUtil.equalSansNullability(a.getType(), b.getType())) {
                union(a.getIndex(), b.getIndex());
                return;
            }
        }
        int mask = inputsOf(c);
        if (mask == 0) {
            topFilters.add(c);
        } else {
            others.add(c);
            otherMasks.add(mask);
        }
    }

    /**
     * {@code (a1 AND b1) OR (a2 AND b2)} over inputs A and B implies {@code a1 OR a2} on A alone (TPC-H Q7's pairs
     * of nations, Q19's brands and quantities): each input gets the filter its disjuncts imply, applied before any
     * join. The whole condition stays where it was.
     */
    private void deriveFromDisjunctions() {
        int count = others.size();
        for (int k = 0; k < count; k++) {
            RexNode c = others.get(k);
            int mask = otherMasks.get(k);
            if (c.getKind() != SqlKind.OR || Integer.bitCount(mask) < 2) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) == 0) {
                    continue;
                }
                List<RexNode> implied = new ArrayList<>();
                for (RexNode disjunct : RelOptUtil.disjunctions(c)) {
                    List<RexNode> own = new ArrayList<>();
                    for (RexNode conjunct : RelOptUtil.conjunctions(disjunct)) {
                        if (inputsOf(conjunct) == (1 << i)) {
                            own.add(conjunct);
                        }
                    }
                    if (own.isEmpty()) {
                        implied = null; // this disjunct says nothing of input i
                        break;
                    }
                    implied.add(RexUtil.composeConjunction(rexBuilder, own));
                }
                if (implied != null) {
                    others.add(RexUtil.composeDisjunction(rexBuilder, implied));
                    otherMasks.add(1 << i);
                }
            }
        }
    }

    private int inputsOf(RexNode e) {
        int mask = 0;
        for (int f : RelOptUtil.InputFinder.bits(e)) {
            mask |= 1 << inputOf[f];
        }
        return mask;
    }

    private int find(int f) {
        while (classOf[f] != f) {
            classOf[f] = classOf[classOf[f]];
            f = classOf[f];
        }
        return f;
    }

    private void union(int a, int b) {
        classOf[find(a)] = find(b);
    }

    private double leafRows(int i) {
        RelNode input = join.getInputs().get(i);
        double rows = cardinality.rows(input);
        for (int k = 0; k < others.size(); k++) {
            if (otherMasks.get(k) == (1 << i)) {
                rows *= cardinality.selectivity(input, RexUtil.shift(others.get(k), -offset[i]));
            }
        }
        return Math.max(1, rows);
    }

    /** The values global field {@code f} ranges over in the table it comes from. */
    private double domain(int f) {
        int i = inputOf[f];
        return cardinality.keyDomain(join.getInputs().get(i), List.of(f - offset[i]));
    }

    /** Rows of joining {@code a} and {@code b}; empty when no condition connects them. */
    private Optional<Double> joinRows(Plan a, Plan b) {
        List<Integer> classes = crossingClasses(a.mask, b.mask);
        boolean connected = !classes.isEmpty();
        double rows = a.rows * b.rows;
        if (connected) {
            rows = Cardinality.joinedRows(a.rows, b.rows, sideDomain(classes, a.mask), sideDomain(classes, b.mask));
        }
        int both = a.mask | b.mask;
        for (int k = 0; k < others.size(); k++) {
            int m = otherMasks.get(k);
            if ((m & both) == m && (m & a.mask) != m && (m & b.mask) != m) {
                rows *= Cardinality.guess(others.get(k));
                connected = true;
            }
        }
        return connected ? Optional.of(Math.max(1, rows)) : Optional.empty();
    }

    /** The values the key formed by {@code classes} ranges over on the side holding the inputs in {@code mask}. */
    private double sideDomain(List<Integer> classes, int mask) {
        int input = -1;
        List<Integer> local = new ArrayList<>();
        double product = 1;
        for (int c : classes) {
            int f = memberIn(c, mask);
            product *= domain(f);
            input = input == -1 || input == inputOf[f] ? inputOf[f] : -2;
            local.add(f - offset[inputOf[f]]);
        }
        if (input >= 0) {
            return cardinality.keyDomain(join.getInputs().get(input), local);
        }
        return product;
    }

    /** Indexes of the equivalence classes with fields in both masks. */
    private List<Integer> crossingClasses(int a, int b) {
        List<Integer> crossing = new ArrayList<>();
        for (int c = 0; c < classFields.size(); c++) {
            int m = classInputs.get(c);
            if ((m & a) != 0 && (m & b) != 0) {
                crossing.add(c);
            }
        }
        return crossing;
    }

    private Plan joined(Plan a, Plan b, double rows) {
        Plan probe = a.rows >= b.rows ? a : b;
        Plan build = probe == a ? b : a;
        double cost = a.cost + b.cost + probe.rows + 2 * build.rows + rows;
        return new Plan(a.mask | b.mask, rows, cost, probe, build);
    }

    private void exhaustive(int all, boolean crossProducts) {
        for (int mask = 1; mask <= all; mask++) {
            if (Integer.bitCount(mask) < 2 || (mask & all) != mask) {
                continue;
            }
            Plan chosen = null;
            // each unordered split once: the part holding the lowest input is the first
            int low = Integer.lowestOneBit(mask);
            for (int sub = (mask - 1) & mask; sub > 0; sub = (sub - 1) & mask) {
                if ((sub & low) == 0) {
                    continue;
                }
                Plan a = best[sub];
                Plan b = best[mask ^ sub];
                if (a == null || b == null) {
                    continue;
                }
                Optional<Double> rows = joinRows(a, b);
                if (rows.isEmpty() && !crossProducts) {
                    continue;
                }
                Plan p = joined(a, b, rows.orElse(a.rows * b.rows));
                if (chosen == null || p.cost < chosen.cost) {
                    chosen = p;
                }
            }
            if (chosen != null && (best[mask] == null || chosen.cost < best[mask].cost)) {
                best[mask] = chosen;
            }
        }
    }

    /** Joins, again and again, the two parts whose join is estimated smallest (connected parts first). */
    private Plan greedy() {
        List<Plan> parts = new ArrayList<>(List.of(leaves));
        while (parts.size() > 1) {
            Plan chosen = null;
            int ci = -1;
            int cj = -1;
            for (boolean crossProducts : new boolean[] {false, true}) {
                for (int i = 0; i < parts.size(); i++) {
                    for (int j = i + 1; j < parts.size(); j++) {
                        Optional<Double> rows = joinRows(parts.get(i), parts.get(j));
                        if (rows.isEmpty() && !crossProducts) {
                            continue;
                        }
                        Plan p = joined(parts.get(i), parts.get(j), rows.orElse(parts.get(i).rows * parts.get(j).rows));
                        if (chosen == null || p.rows < chosen.rows) {
                            chosen = p;
                            ci = i;
                            cj = j;
                        }
                    }
                }
                if (chosen != null) {
                    break;
                }
            }
            parts.remove(cj);
            parts.remove(ci);
            parts.add(chosen);
        }
        return parts.get(0);
    }

    /** The plan as Calcite joins; {@code fields} receives the global field at each output position. */
    private RelNode build(Plan p, List<Integer> fields) {
        if (p.left == null) {
            int i = Integer.numberOfTrailingZeros(p.mask);
            RelNode input = join.getInputs().get(i);
            for (int f = offset[i]; f < offset[i + 1]; f++) {
                fields.add(f);
            }
            List<RexNode> own = new ArrayList<>();
            for (int k = 0; k < others.size(); k++) {
                if (otherMasks.get(k) == p.mask) {
                    own.add(RexUtil.shift(others.get(k), -offset[i]));
                }
            }
            return own.isEmpty() ? input : LogicalFilter.create(input, RexUtil.composeConjunction(rexBuilder, own));
        }
        List<Integer> leftFields = new ArrayList<>();
        List<Integer> rightFields = new ArrayList<>();
        RelNode left = build(p.left, leftFields);
        RelNode right = build(p.right, rightFields);
        fields.addAll(leftFields);
        fields.addAll(rightFields);
        List<RexNode> conditions = new ArrayList<>();
        for (int c : crossingClasses(p.left.mask, p.right.mask)) {
            int a = memberIn(c, p.left.mask);
            int b = memberIn(c, p.right.mask);
            conditions.add(rexBuilder.makeCall(SqlStdOperatorTable.EQUALS, ref(fields, a), ref(fields, b)));
        }
        for (int k = 0; k < others.size(); k++) {
            int m = otherMasks.get(k);
            if ((m & p.mask) == m && (m & p.left.mask) != m && (m & p.right.mask) != m) {
                conditions.add(others.get(k).accept(new RexShuttle() {
                    @Override
                    public RexNode visitInputRef(RexInputRef r) {
                        return ref(fields, r.getIndex());
                    }
                }));
            }
        }
        return LogicalJoin.create(left, right, List.of(), RexUtil.composeConjunction(rexBuilder, conditions), java.util.Set.of(),
                JoinRelType.INNER);
    }

    /** The class's field among the inputs in {@code mask} with the smallest domain. */
    private int memberIn(int c, int mask) {
        int chosen = -1;
        for (int g : classFields.get(c)) {
            if ((mask & (1 << inputOf[g])) != 0 && (chosen < 0 || domain(g) < domain(chosen))) {
                chosen = g;
            }
        }
        return chosen;
    }

    private String describe(Plan p) {
        if (p.left == null) {
            int i = Integer.numberOfTrailingZeros(p.mask);
            RelNode in = join.getInputs().get(i);
            String name = in.getTable() != null ? String.join(".", in.getTable().getQualifiedName()) : in.getRelTypeName();
            for (RelNode r = in; name.equals(r.getRelTypeName()) && r.getInputs().size() == 1; r = r.getInput(0)) {
                if (r.getInput(0).getTable() != null) {
                    name = String.join(".", r.getInput(0).getTable().getQualifiedName());
                }
            }
            return name + "~" + Math.round(p.rows);
        }
        return "(" + describe(p.left) + " JOIN " + describe(p.right) + ")~" + Math.round(p.rows);
    }

    private RexNode ref(List<Integer> fields, int global) {
        int pos = fields.indexOf(global);
        return new RexInputRef(pos, join.getRowType().getFieldList().get(global).getType());
    }
}
