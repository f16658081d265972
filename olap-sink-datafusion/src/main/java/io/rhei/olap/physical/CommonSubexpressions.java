package io.rhei.olap.physical;

import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Expressions a projection computes more than once, computed once in a projection below it. The native engine
 * evaluates every occurrence (DataFusion's own elimination of common subexpressions is a logical rule Comet's plans
 * never meet), and the lowering of a wide decimal product reads each operand several times (its 128-bit fast path,
 * the bounds that choose it, the overflow check): TPC-H Q1 computed {@code price * (1 - disc)} four times per row.
 * Only occurrences evaluated for every row count (not those under CASE, COALESCE, AND or OR, which may guard them),
 * so computing one for every row below cannot raise an error the query would not; volatile expressions are left alone.
 */
final class CommonSubexpressions {
    private CommonSubexpressions() {
    }

    /** {@code p} as a projection over one that computes its common subexpressions once; null when it has none. */
    static Project hoist(Project p) {
        Map<RexNode, Integer> uses = new LinkedHashMap<>();
        for (RexNode e : p.getProjects()) {
            count(e, uses);
        }
        List<RexNode> common = new ArrayList<>();
        uses.forEach((node, n) -> {
            if (n >= 2) {
                common.add(node);
            }
        });
        if (common.isEmpty()) {
            return null;
        }
        int width = p.getInput().getRowType().getFieldCount();
        // the common expressions become references past the input's fields, then both are renumbered
        List<RexNode> replaced = new ArrayList<>();
        for (RexNode e : p.getProjects()) {
            replaced.add(e.accept(new RexShuttle() {
                @Override
                public RexNode visitCall(RexCall call) {
                    int i = common.indexOf(call);
                    return i >= 0 ? new RexInputRef(width + i, call.getType()) : super.visitCall(call);
                }
            }));
        }
        TreeSet<Integer> used = new TreeSet<>();
        for (RexNode e : replaced) {
            e.accept(new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    if (ref.getIndex() < width) {
                        used.add(ref.getIndex());
                    }
                    return ref;
                }
            });
        }
        List<Integer> passed = new ArrayList<>(used);
        List<RexNode> below = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i : passed) {
            below.add(new RexInputRef(i, p.getInput().getRowType().getFieldList().get(i).getType()));
            names.add(p.getInput().getRowType().getFieldNames().get(i));
        }
        for (int i = 0; i < common.size(); i++) {
            below.add(common.get(i));
            names.add("$common" + i);
        }
        Project bottom = LogicalProject.create(p.getInput(), List.of(), below, names, java.util.Set.of());
        List<RexNode> above = new ArrayList<>();
        for (RexNode e : replaced) {
            above.add(e.accept(new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    int i = ref.getIndex();
                    return new RexInputRef(i < width ? passed.indexOf(i) : passed.size() + i - width, ref.getType());
                }
            }));
        }
        return LogicalProject.create(bottom, List.of(), above, p.getRowType(), java.util.Set.of());
    }

    /**
     * Counts the occurrences of each subexpression evaluated for every row; a repeated one is not entered again
     * (its parts were counted with its first occurrence). The operands of a wide decimal product count twice.
     */
    private static void count(RexNode node, Map<RexNode, Integer> uses) {
        if (!(node instanceof RexCall call) || isConditional(call)) {
            return;
        }
        if (isCandidate(call) && uses.merge(call, 1, Integer::sum) > 1) {
            return;
        }
        if (isWideDecimalProduct(call)) {
            for (RexNode operand : call.getOperands()) {
                if (operand instanceof RexCall op && !isConditional(op) && isCandidate(op)) {
                    uses.merge(op, 1, Integer::sum);
                }
            }
        }
        for (RexNode operand : call.getOperands()) {
            count(operand, uses);
        }
    }

    /** An expression worth computing once for every row: not trivial, the same each time it is evaluated, row-local. */
    private static boolean isCandidate(RexCall call) {
        return !isTrivial(call) && RexUtil.isDeterministic(call) && !RexUtil.containsCorrelation(call)
                && !org.apache.calcite.rex.RexOver.containsOver(call);
    }

    /** Constructs that evaluate some operands only for some rows: what is under them may be guarded. */
    private static boolean isConditional(RexCall call) {
        SqlKind k = call.getKind();
        return k == SqlKind.CASE || k == SqlKind.COALESCE || k == SqlKind.NULLIF || k == SqlKind.AND || k == SqlKind.OR;
    }

    /** Cheaper to compute again than to carry as a column: a cast of a literal. */
    private static boolean isTrivial(RexCall call) {
        return call.getKind() == SqlKind.CAST && call.getOperands().get(0) instanceof RexLiteral;
    }

    /** A decimal product whose operand precisions add up to 38 or more: its lowering reads each operand several times. */
    private static boolean isWideDecimalProduct(RexCall call) {
        if (call.getKind() != SqlKind.TIMES || call.getType().getSqlTypeName() != SqlTypeName.DECIMAL) {
            return false;
        }
        RelDataType l = call.getOperands().get(0).getType();
        RelDataType r = call.getOperands().get(1).getType();
        return l.getSqlTypeName() == SqlTypeName.DECIMAL && r.getSqlTypeName() == SqlTypeName.DECIMAL
                && l.getPrecision() + r.getPrecision() >= 38;
    }
}
