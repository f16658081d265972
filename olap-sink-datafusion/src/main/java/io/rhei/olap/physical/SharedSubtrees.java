package io.rhei.olap.physical;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.sql.SqlExplainLevel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a plan it computes more than once: aggregations and joins that appear twice or more, equal in every
 * operator and expression below them (TPC-H Q15's revenue per supplier, read by the query and by its subquery's
 * maximum). {@link PlanLowering} runs each once, first, and every place that reads it reads its rows. Only the
 * outermost such part counts; a table read through filters and projections alone is cheaper read again, and so is a
 * part too large to hold ({@link #MAX_HELD_ROWS}).
 */
final class SharedSubtrees {
    /** Each repeated part's occurrences, by the text of the part. */
    private final Map<String, List<RelNode>> occurrences = new HashMap<>();
    private final Map<RelNode, String> keys = new IdentityHashMap<>();

    /**
     * Parts estimated to return more rows than this are computed again where they repeat: a part computed once is
     * held in memory until the query's plans start, where computing it again streams.
     */
    static final double MAX_HELD_ROWS = 1_000_000;

    private SharedSubtrees() {
    }

    static SharedSubtrees of(RelNode root, io.rhei.olap.stats.Cardinality cardinality) {
        SharedSubtrees s = new SharedSubtrees();
        // a cheap shape first: only parts whose shape repeats are written out in full and compared (planning time)
        Map<Integer, Integer> shapes = new HashMap<>();
        Map<RelNode, Integer> shapeOf = new IdentityHashMap<>();
        countShapes(root, shapeOf, shapes);
        if (shapes.values().stream().allMatch(n -> n < 2)) {
            return s;
        }
        s.visit(root, shapeOf, shapes);
        s.occurrences.values().removeIf(l -> l.size() < 2 || cardinality.rows(l.get(0)) > MAX_HELD_ROWS);
        s.keys.values().removeIf(k -> !s.occurrences.containsKey(k));
        return s;
    }

    /** Counts the shapes of the aggregations and joins of the tree (one object may stand in two places of it). */
    private static void countShapes(RelNode rel, Map<RelNode, Integer> shapeOf, Map<Integer, Integer> shapes) {
        int h = shape(rel, shapeOf);
        if (rel instanceof Aggregate || rel instanceof Join) {
            shapes.merge(h, 1, Integer::sum);
        }
        for (RelNode input : rel.getInputs()) {
            countShapes(input, shapeOf, shapes);
        }
    }

    /** A hash of the operators, row types and tables below {@code rel}: equal parts have equal shapes. */
    private static int shape(RelNode rel, Map<RelNode, Integer> shapeOf) {
        Integer known = shapeOf.get(rel);
        if (known != null) {
            return known;
        }
        int h = rel.getRelTypeName().hashCode() * 31 + rel.getRowType().getFullTypeString().hashCode();
        if (rel.getTable() != null) {
            h = h * 31 + rel.getTable().getQualifiedName().hashCode();
        }
        for (RelNode input : rel.getInputs()) {
            h = h * 31 + shape(input, shapeOf);
        }
        shapeOf.put(rel, h);
        return h;
    }

    private void visit(RelNode rel, Map<RelNode, Integer> shapeOf, Map<Integer, Integer> shapes) {
        if ((rel instanceof Aggregate || rel instanceof Join) && shapes.getOrDefault(shapeOf.get(rel), 0) > 1) {
            String key = RelOptUtil.toString(rel, SqlExplainLevel.DIGEST_ATTRIBUTES);
            keys.put(rel, key);
            List<RelNode> seen = occurrences.computeIfAbsent(key, k -> new ArrayList<>());
            seen.add(rel);
            if (seen.size() > 1) {
                return; // its parts were visited in its first occurrence
            }
        }
        for (RelNode input : rel.getInputs()) {
            visit(input, shapeOf, shapes);
        }
    }

    /** The key of {@code rel} when it is a repeated part; null otherwise. */
    String keyOf(RelNode rel) {
        return keys.get(rel);
    }

    /** Every occurrence of every repeated part. */
    List<RelNode> all() {
        List<RelNode> all = new ArrayList<>();
        occurrences.values().forEach(all::addAll);
        return all;
    }
}
