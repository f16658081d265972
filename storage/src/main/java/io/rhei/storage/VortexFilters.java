package io.rhei.storage;

import dev.vortex.api.Expression;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translates a {@link ScanFilter} into a Vortex filter {@link Expression} for one file. The library fails late
 * and vaguely on a literal whose type differs from the column's, so each literal is built in the file's stored
 * type and a term that cannot be (a value that does not fit, an unsupported type) is left out: the filter is a
 * hint and the query engine filters again.
 */
final class VortexFilters {
    private VortexFilters() {
    }

    /** Empty when nothing of the filter can be pushed down. */
    static Optional<Expression> toExpression(ScanFilter filter, TableSchema stored) {
        if (filter instanceof ScanFilter.And and) {
            List<Expression> terms = new ArrayList<>();
            for (ScanFilter t : and.terms()) {
                toExpression(t, stored).ifPresent(terms::add);
            }
            return terms.isEmpty() ? Optional.empty()
                    : Optional.of(terms.size() == 1 ? terms.get(0) : Expression.and(terms.toArray(new Expression[0])));
        }
        if (filter instanceof ScanFilter.Or or) {
            // every term or none: leaving a term out would reject the rows only it accepts
            List<Expression> terms = new ArrayList<>();
            for (ScanFilter t : or.terms()) {
                Optional<Expression> e = toExpression(t, stored);
                if (e.isEmpty()) {
                    return Optional.empty();
                }
                terms.add(e.get());
            }
            return terms.size() == 1 ? Optional.of(terms.get(0)) : Optional.of(Expression.or(terms.toArray(new Expression[0])));
        }
        if (filter instanceof ScanFilter.IsNull n) {
            if (stored.column(n.column()).isEmpty()) {
                return Optional.empty();
            }
            Expression col = Expression.column(n.column());
            return Optional.of(n.negated() ? Expression.isNotNull(col) : Expression.isNull(col));
        }
        if (filter instanceof ScanFilter.Compare c) {
            Optional<Column> column = stored.column(c.column());
            if (column.isEmpty() || c.value() == null) {
                return Optional.empty();
            }
            return literal(column.get().type(), c.value())
                    .map(lit -> Expression.binary(op(c.op()), Expression.column(c.column()), lit));
        }
        return Optional.empty();
    }

    private static Expression.BinaryOp op(ScanFilter.Op op) {
        return switch (op) {
            case EQ -> Expression.BinaryOp.EQ;
            case NE -> Expression.BinaryOp.NOT_EQ;
            case LT -> Expression.BinaryOp.LT;
            case LE -> Expression.BinaryOp.LTE;
            case GT -> Expression.BinaryOp.GT;
            case GE -> Expression.BinaryOp.GTE;
        };
    }

    /** The value as a literal of exactly the column's stored type, when it is representable there. */
    static Optional<Expression> literal(ColumnType type, Object value) {
        try {
            return switch (type.kind()) {
                case BOOLEAN -> value instanceof Boolean b ? Optional.of(Expression.literal(b)) : Optional.empty();
                case INT16 -> integral(value).filter(v -> v == (short) (long) v).map(v -> Expression.literal((short) (long) v));
                case INT32 -> integral(value).filter(v -> v == (int) (long) v).map(v -> Expression.literal((int) (long) v));
                case INT64 -> integral(value).map(Expression::literal);
                case FLOAT64 -> value instanceof Number n && !(value instanceof BigDecimal) ? Optional.of(Expression.literal(n.doubleValue())) : Optional.empty();
                case FLOAT32 -> value instanceof Float f ? Optional.of(Expression.literal(f)) : Optional.empty();
                case TEXT, UUID, JSON, CHAR -> value instanceof String s ? Optional.of(Expression.literal(s)) : Optional.empty();
                case DATE -> value instanceof LocalDate d ? Optional.of(Expression.literalDate(d.toEpochDay(), Expression.TimeUnit.DAYS)) : Optional.empty();
                case TIMESTAMP -> value instanceof LocalDateTime t
                        ? Optional.of(Expression.literalTimestamp(ArrowValues.micros(t.toInstant(ZoneOffset.UTC)), Expression.TimeUnit.MICROSECONDS, null))
                        : Optional.empty();
                case TIMESTAMPTZ -> value instanceof Instant i
                        ? Optional.of(Expression.literalTimestamp(ArrowValues.micros(i), Expression.TimeUnit.MICROSECONDS, "UTC"))
                        : Optional.empty();
                case DECIMAL -> decimal(value, type);
                default -> Optional.empty();
            };
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> integral(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            return Optional.of(((Number) value).longValue());
        }
        return Optional.empty();
    }

    private static Optional<Expression> decimal(Object value, ColumnType type) {
        BigDecimal d = value instanceof BigDecimal b ? b : value instanceof Long || value instanceof Integer ? BigDecimal.valueOf(((Number) value).longValue()) : null;
        if (d == null) {
            return Optional.empty();
        }
        BigDecimal scaled = d.setScale(type.scale()); // throws ArithmeticException when digits would be lost
        BigInteger unscaled = scaled.unscaledValue();
        if (scaled.precision() > type.precision()) {
            return Optional.empty();
        }
        return Optional.of(Expression.literalDecimal(unscaled, type.precision(), type.scale()));
    }
}
