package io.rhei.olap.sql;

import io.rhei.core.schema.ColumnType;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimeString;
import org.apache.calcite.util.TimestampString;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Binds parameters by writing each value into the parsed query as a literal of its parameter's type, before
 * validation. The query is then typed exactly as if the client had written the literal, which is PostgreSQL's
 * semantics for parameters without a length or precision: {@code total + $1} with 12.345 keeps three decimals.
 * Integers, floats, text and bytea are cast to the parameter's type so the result's types are those
 * {@code describe} reported.
 */
final class ParameterSubstitution extends SqlShuttle {
    private static final SqlParserPos POS = SqlParserPos.ZERO;

    private final ParameterMarkers markers;
    private final List<ColumnType> types;
    private final List<Object> values;
    private final Set<SqlDynamicParam> rowCounts;

    private ParameterSubstitution(ParameterMarkers markers, List<ColumnType> types, List<Object> values, Set<SqlDynamicParam> rowCounts) {
        this.markers = markers;
        this.types = types;
        this.values = values;
        this.rowCounts = rowCounts;
    }

    /**
     * {@code parsed} with its dynamic parameters replaced; {@code types} and {@code values} are per client
     * parameter ({@code $1} first), the values already converted to their type's Java class.
     */
    static SqlNode bind(SqlNode parsed, ParameterMarkers markers, List<ColumnType> types, List<Object> values) {
        Set<SqlDynamicParam> rowCounts = Collections.newSetFromMap(new IdentityHashMap<>());
        parsed.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call instanceof SqlSelect s) {
                    addIfParam(rowCounts, s.getFetch());
                    addIfParam(rowCounts, s.getOffset());
                } else if (call instanceof SqlOrderBy o) {
                    addIfParam(rowCounts, o.fetch);
                    addIfParam(rowCounts, o.offset);
                }
                return super.visit(call);
            }
        });
        return parsed.accept(new ParameterSubstitution(markers, types, values, rowCounts));
    }

    private static void addIfParam(Set<SqlDynamicParam> into, SqlNode node) {
        if (node instanceof SqlDynamicParam p) {
            into.add(p);
        }
    }

    @Override
    public SqlNode visit(SqlDynamicParam param) {
        int parameter = markers.parameterOf()[param.getIndex()];
        ColumnType type = types.get(parameter);
        Object value = values.get(parameter);
        if (rowCounts.contains(param)) {
            // LIMIT and OFFSET take a plain number
            return value == null ? SqlLiteral.createNull(POS) : SqlLiteral.createExactNumeric(value.toString(), POS);
        }
        return literal(type, value);
    }

    static SqlNode literal(ColumnType type, Object value) {
        if (value == null) {
            return cast(SqlLiteral.createNull(POS), nullType(type));
        }
        return switch (type.kind()) {
            case BOOLEAN -> SqlLiteral.createBoolean((Boolean) value, POS);
            case INT16 -> cast(exact(value), new SqlBasicTypeNameSpec(SqlTypeName.SMALLINT, POS));
            case INT32 -> cast(exact(value), new SqlBasicTypeNameSpec(SqlTypeName.INTEGER, POS));
            case INT64 -> cast(exact(value), new SqlBasicTypeNameSpec(SqlTypeName.BIGINT, POS));
            case FLOAT32 -> cast(approx(((Float) value).doubleValue()), new SqlBasicTypeNameSpec(SqlTypeName.REAL, POS));
            case FLOAT64 -> cast(approx((Double) value), new SqlBasicTypeNameSpec(SqlTypeName.DOUBLE, POS));
            case DECIMAL -> SqlLiteral.createExactNumeric(((BigDecimal) value).toPlainString(), POS);
            case CHAR -> SqlLiteral.createCharString((String) value, "UTF8", POS);
            case TEXT, UUID, JSON -> cast(SqlLiteral.createCharString((String) value, "UTF8", POS),
                    new SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, POS));
            case BYTES -> cast(SqlLiteral.createBinaryString((byte[]) value, POS), new SqlBasicTypeNameSpec(SqlTypeName.VARBINARY, POS));
            case DATE -> SqlLiteral.createDate(DateString.fromDaysSinceEpoch((int) ((LocalDate) value).toEpochDay()), POS);
            case TIME -> {
                LocalTime t = (LocalTime) value;
                yield SqlLiteral.createTime(new TimeString(t.getHour(), t.getMinute(), t.getSecond()).withNanos(t.getNano()), 6, POS);
            }
            case TIMESTAMP -> SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, timestamp((LocalDateTime) value), 6, POS);
            case TIMESTAMPTZ -> SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE,
                    timestamp(LocalDateTime.ofInstant((Instant) value, ZoneOffset.UTC)), 6, POS);
        };
    }

    private static SqlBasicTypeNameSpec nullType(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> new SqlBasicTypeNameSpec(SqlTypeName.BOOLEAN, POS);
            case INT16 -> new SqlBasicTypeNameSpec(SqlTypeName.SMALLINT, POS);
            case INT32 -> new SqlBasicTypeNameSpec(SqlTypeName.INTEGER, POS);
            case INT64 -> new SqlBasicTypeNameSpec(SqlTypeName.BIGINT, POS);
            case FLOAT32 -> new SqlBasicTypeNameSpec(SqlTypeName.REAL, POS);
            case FLOAT64 -> new SqlBasicTypeNameSpec(SqlTypeName.DOUBLE, POS);
            case DECIMAL -> new SqlBasicTypeNameSpec(SqlTypeName.DECIMAL, type.precision(), type.scale(), POS);
            case TEXT, UUID, JSON, CHAR -> new SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, POS);
            case BYTES -> new SqlBasicTypeNameSpec(SqlTypeName.VARBINARY, POS);
            case DATE -> new SqlBasicTypeNameSpec(SqlTypeName.DATE, POS);
            case TIME -> new SqlBasicTypeNameSpec(SqlTypeName.TIME, 6, POS);
            case TIMESTAMP -> new SqlBasicTypeNameSpec(SqlTypeName.TIMESTAMP, 6, POS);
            case TIMESTAMPTZ -> new SqlBasicTypeNameSpec(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6, POS);
        };
    }

    private static SqlNode exact(Object value) {
        return SqlLiteral.createExactNumeric(value.toString(), POS);
    }

    private static SqlNode approx(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            String text = Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
            return cast(SqlLiteral.createCharString(text, POS), new SqlBasicTypeNameSpec(SqlTypeName.DOUBLE, POS));
        }
        return SqlLiteral.createApproxNumeric(Double.toString(v), POS);
    }

    private static TimestampString timestamp(LocalDateTime t) {
        return new TimestampString(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond())
                .withNanos(t.getNano());
    }

    private static SqlNode cast(SqlNode operand, SqlBasicTypeNameSpec type) {
        return SqlStdOperatorTable.CAST.createCall(POS, operand, new SqlDataTypeSpec(type, POS));
    }
}
