package io.rhei.olap.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;

import java.util.Set;

/**
 * PostgreSQL's blank-padded {@code char(n)} (bpchar) in plans. Values are stored padded to n characters, as
 * PostgreSQL stores and prints them; comparisons ({@code =}, {@code <}, IN, join keys) ignore trailing blanks on
 * both sides; a cast to text, {@code ||} and text functions drop them; LIKE, {@code concat()},
 * {@code octet_length}, COALESCE/CASE, MIN/MAX and the output keep them.
 *
 * <p>Calcite types string literals as CHAR(k) too, but PostgreSQL's literals are of unknown type and take the other
 * side's: so a literal is never taken for a bpchar value; only a char(n) column or an expression over one is.
 */
public final class Bpchar {
    /** The CHAR length standing for {@code bpchar} without a length in the catalog. */
    static final int UNBOUNDED = 65_536;
    /** Functions PostgreSQL defines on bpchar itself, or that print their argument as it is. */
    private static final Set<String> KEEP_PADDING = Set.of("CONCAT", "COALESCE", "OCTET_LENGTH", "NULLIF", "GREATEST", "LEAST");

    private Bpchar() {
    }

    /**
     * Whether {@code node} is a char(n) value (not a literal), or the cast to varchar(m) or char(m), m at least n,
     * that Calcite puts around one where it meets a string of another length (a comparison, COALESCE, CASE).
     */
    public static boolean is(RexNode node) {
        if (node.getType().getSqlTypeName() == SqlTypeName.CHAR) {
            return !(node instanceof RexLiteral);
        }
        return isImpliedVarcharCast(node) || isCaseOfBpchar(node);
    }

    /**
     * A CASE (COALESCE) whose results are char(n) values or literals, typed varchar by Calcite: in PostgreSQL it is
     * bpchar, so that length() and comparisons still ignore the padding.
     */
    private static boolean isCaseOfBpchar(RexNode node) {
        if (node.getKind() != org.apache.calcite.sql.SqlKind.CASE || node.getType().getSqlTypeName() != SqlTypeName.VARCHAR) {
            return false;
        }
        java.util.List<RexNode> ops = ((org.apache.calcite.rex.RexCall) node).getOperands();
        boolean any = false;
        for (int i = 1; i < ops.size(); i += 2) {
            RexNode result = ops.get(i);
            if (result instanceof RexLiteral) {
                continue;
            }
            if (!is(result)) {
                return false;
            }
            any = true;
        }
        RexNode otherwise = ops.get(ops.size() - 1);
        if (!(otherwise instanceof RexLiteral)) {
            if (!is(otherwise)) {
                return false;
            }
            any = true;
        }
        return any;
    }

    public static boolean isImpliedVarcharCast(RexNode node) {
        SqlTypeName to = node.getType().getSqlTypeName();
        if (node.getKind() != org.apache.calcite.sql.SqlKind.CAST || to != SqlTypeName.VARCHAR && to != SqlTypeName.CHAR) {
            return false;
        }
        RexNode inner = ((org.apache.calcite.rex.RexCall) node).getOperands().get(0);
        // a char(n) value, or a COALESCE/CASE of them (bpchar in PostgreSQL) that Calcite widens to meet longer strings
        boolean bpchar = inner.getType().getSqlTypeName() == SqlTypeName.CHAR && !(inner instanceof RexLiteral) || isCaseOfBpchar(inner);
        return bpchar && inner.getType().getPrecision() != org.apache.calcite.rel.type.RelDataType.PRECISION_NOT_SPECIFIED
                && node.getType().getPrecision() >= inner.getType().getPrecision()
                && node.getType().getPrecision() != org.apache.calcite.rel.type.RelDataType.PRECISION_NOT_SPECIFIED;
    }

    /**
     * The length n when output column {@code index} of {@code rel} is a stored char(n) column passed on unchanged
     * (its values are then exactly n characters, as PostgreSQL pads them); else 0.
     */
    public static int storedLength(org.apache.calcite.rel.RelNode rel, int index) {
        if (rel == null) {
            return 0;
        }
        org.apache.calcite.rel.metadata.RelColumnOrigin origin = rel.getCluster().getMetadataQuery().getColumnOrigin(rel, index);
        if (origin == null || origin.isDerived()) {
            return 0;
        }
        RelDataType t = origin.getOriginTable().getRowType().getFieldList().get(origin.getOriginColumnOrdinal()).getType();
        return t.getSqlTypeName() == SqlTypeName.CHAR && hasLength(t) ? t.getPrecision() : 0;
    }

    /** {@code literal} as a stored char(n) value: without trailing blanks, padded to n; null when it is longer than n. */
    public static String padded(String literal, int n) {
        String s = stripTrailingBlanks(literal);
        int chars = s.codePointCount(0, s.length());
        return chars > n ? null : s + " ".repeat(n - chars);
    }

    /** Whether the SQL function {@code name} takes a char(n) argument with its padding. */
    public static boolean keepsPadding(String name) {
        return KEEP_PADDING.contains(name.toUpperCase(java.util.Locale.ROOT));
    }

    /** Whether a CHAR type has a real length (not bpchar without one). */
    public static boolean hasLength(RelDataType t) {
        return t.getPrecision() > 0 && t.getPrecision() < UNBOUNDED;
    }

    public static String stripTrailingBlanks(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }
}
