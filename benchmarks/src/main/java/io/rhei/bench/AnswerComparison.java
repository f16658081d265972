package io.rhei.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;

/**
 * Whether a benchmark query's answer equals PostgreSQL's, row by row in order, by the integration tests' rule: exact
 * numbers exactly, except a quotient's, whose scale PostgreSQL chooses by its size and Rhei by its type (both are
 * rounded to the smaller scale); floating point to 12 significant digits.
 */
final class AnswerComparison {
    private AnswerComparison() {
    }

    /** null when equal; otherwise the first difference, in a few words. */
    static String difference(List<List<Object>> expected, List<List<Object>> got) {
        if (expected.size() != got.size()) {
            return got.size() + " rows where PostgreSQL has " + expected.size();
        }
        for (int r = 0; r < expected.size(); r++) {
            List<Object> e = expected.get(r);
            List<Object> g = got.get(r);
            if (e.size() != g.size()) {
                return "row " + (r + 1) + " has " + g.size() + " columns where PostgreSQL has " + e.size();
            }
            for (int c = 0; c < e.size(); c++) {
                if (!same(e.get(c), g.get(c))) {
                    return "row " + (r + 1) + ", column " + (c + 1) + ": " + g.get(c) + " where PostgreSQL has " + e.get(c);
                }
            }
        }
        return null;
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            int scale = Math.min(x.scale(), y.scale());
            return x.setScale(scale, RoundingMode.HALF_UP).compareTo(y.setScale(scale, RoundingMode.HALF_UP)) == 0;
        }
        if (a instanceof Number x && b instanceof Number y) {
            double dx = x.doubleValue();
            double dy = y.doubleValue();
            return Math.abs(dx - dy) <= 1e-12 * Math.max(1, Math.max(Math.abs(dx), Math.abs(dy)));
        }
        return Objects.equals(a, b);
    }
}
