package io.rhei.olap.physical;

import io.rhei.olap.sql.Bpchar;

import io.rhei.storage.ScanFilter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimestampString;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The part of a WHERE condition a table scan can push into its files: conjuncts of the form {@code column op
 * literal} and {@code column IS [NOT] NULL}, with the literal of exactly the column's type. Anything else stays
 * with the native filter only, which always runs too (a pushed filter is a hint that lets Vortex skip data).
 * Floating-point columns are left out: NaN ordering differs between engines.
 */
final class ScanFilters {
    private ScanFilters() {
    }

    /** {@code columns.get(i)} is the table column at scan position {@code i} (its type from {@code types}). */
    static ScanFilter extract(RexNode condition, List<String> columns, List<RelDataType> types) {
        List<ScanFilter> terms = new ArrayList<>();
        for (RexNode c : RexUtil.flattenAnd(List.of(condition))) {
            term(c, columns, types).ifPresent(terms::add);
        }
        return ScanFilter.and(terms);
    }

    private static Optional<ScanFilter> term(RexNode node, List<String> columns, List<RelDataType> types) {
        if (!(node instanceof RexCall call)) {
            return Optional.empty();
        }
        SqlKind kind = call.getKind();
        if ((kind == SqlKind.IS_NULL || kind == SqlKind.IS_NOT_NULL) && call.getOperands().get(0) instanceof RexInputRef ref) {
            return Optional.of(new ScanFilter.IsNull(columns.get(ref.getIndex()), kind == SqlKind.IS_NOT_NULL));
        }
        ScanFilter.Op op = op(kind);
        if (op == null || call.getOperands().size() != 2) {
            return Optional.empty();
        }
        // Calcite's implied cast of a char(n) column to a longer string: the column itself (equality is padded below)
        RexNode a = Bpchar.isImpliedVarcharCast(call.getOperands().get(0)) ? ((RexCall) call.getOperands().get(0)).getOperands().get(0) : call.getOperands().get(0);
        RexNode b = Bpchar.isImpliedVarcharCast(call.getOperands().get(1)) ? ((RexCall) call.getOperands().get(1)).getOperands().get(0) : call.getOperands().get(1);
        if (a instanceof RexLiteral && b instanceof RexInputRef) {
            RexNode t = a;
            a = b;
            b = t;
            op = flip(op);
        }
        if (!(a instanceof RexInputRef ref) || !(b instanceof RexLiteral lit) || lit.isNull()) {
            return Optional.empty();
        }
        RelDataType type = types.get(ref.getIndex());
        boolean charColumn = type.getSqlTypeName() == SqlTypeName.CHAR && SqlTypeName.CHAR_TYPES.contains(lit.getType().getSqlTypeName());
        if (!charColumn && !lit.getType().getSqlTypeName().equals(type.getSqlTypeName())) {
            return Optional.empty(); // implicit conversions belong to the native engine
        }
        ScanFilter.Op finalOp = op;
        if (type.getSqlTypeName() == SqlTypeName.CHAR) {
            // char(n) is stored padded to n: equality with the literal padded to n is bpchar equality; ranges
            // (trailing blanks compare differently) stay with the native engine
            String text = Bpchar.stripTrailingBlanks(lit.getValueAs(String.class));
            int chars = text.codePointCount(0, text.length());
            if (!Bpchar.hasLength(type) || chars > type.getPrecision() || op != ScanFilter.Op.EQ && op != ScanFilter.Op.NE) {
                return Optional.empty();
            }
            return Optional.of(new ScanFilter.Compare(columns.get(ref.getIndex()), finalOp, text + " ".repeat(type.getPrecision() - chars)));
        }
        return value(lit, type).map(v -> new ScanFilter.Compare(columns.get(ref.getIndex()), finalOp, v));
    }

    private static Optional<Object> value(RexLiteral lit, RelDataType type) {
        return Optional.ofNullable(switch (type.getSqlTypeName()) {
            case BOOLEAN -> lit.getValueAs(Boolean.class);
            case SMALLINT -> lit.getValueAs(Short.class);
            case INTEGER -> lit.getValueAs(Integer.class);
            case BIGINT -> lit.getValueAs(Long.class);
            case DECIMAL -> lit.getValueAs(BigDecimal.class);
            case CHAR, VARCHAR -> lit.getValueAs(String.class);
            case DATE -> LocalDate.parse(lit.getValueAs(DateString.class).toString());
            case TIMESTAMP -> LocalDateTime.parse(lit.getValueAs(TimestampString.class).toString().replace(' ', 'T'));
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> Instant.parse(lit.getValueAs(TimestampString.class).toString().replace(' ', 'T') + "Z");
            default -> null;
        });
    }

    private static ScanFilter.Op op(SqlKind kind) {
        return switch (kind) {
            case EQUALS -> ScanFilter.Op.EQ;
            case NOT_EQUALS -> ScanFilter.Op.NE;
            case LESS_THAN -> ScanFilter.Op.LT;
            case LESS_THAN_OR_EQUAL -> ScanFilter.Op.LE;
            case GREATER_THAN -> ScanFilter.Op.GT;
            case GREATER_THAN_OR_EQUAL -> ScanFilter.Op.GE;
            default -> null;
        };
    }

    private static ScanFilter.Op flip(ScanFilter.Op op) {
        return switch (op) {
            case LT -> ScanFilter.Op.GT;
            case LE -> ScanFilter.Op.GE;
            case GT -> ScanFilter.Op.LT;
            case GE -> ScanFilter.Op.LE;
            default -> op;
        };
    }
}
