package io.rhei.olap.sql;

import io.rhei.core.schema.ColumnType;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Parameter types between Rhei's model and Calcite. As in PostgreSQL a parameter's type carries no length or
 * precision ({@code numeric}, {@code bpchar}, {@code text}): a value keeps its own, so {@code total = $1} with
 * 12.345 compares 12.345, not a rounding of it to the column's scale.
 */
final class ParameterTypes {
    private ParameterTypes() {
    }

    /** The SQL type a declared parameter's marker is cast to; null when the parameter's type is to be inferred. */
    static String castTarget(ColumnType declared) {
        if (declared == null) {
            return null;
        }
        return switch (declared.kind()) {
            case BOOLEAN -> "BOOLEAN";
            case INT16 -> "SMALLINT";
            case INT32 -> "INTEGER";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "REAL";
            case FLOAT64 -> "DOUBLE";
            case DECIMAL -> null; // numeric without a typmod: typed by its value, see the class comment
            case TEXT, UUID, JSON -> "VARCHAR";
            case CHAR -> null;
            case BYTES -> "VARBINARY";
            case DATE -> "DATE";
            case TIME -> "TIME(6)";
            case TIMESTAMP -> "TIMESTAMP(6)";
            case TIMESTAMPTZ -> "TIMESTAMP(6) WITH LOCAL TIME ZONE";
        };
    }

    /** The model type of a parameter Calcite typed; text where Calcite could not tell (PostgreSQL's unknown). */
    static ColumnType of(RelDataType t) {
        return switch (t.getSqlTypeName()) {
            case BOOLEAN -> ColumnType.BOOLEAN;
            case TINYINT, SMALLINT -> ColumnType.INT16;
            case INTEGER -> ColumnType.INT32;
            case BIGINT -> ColumnType.INT64;
            case REAL, FLOAT -> ColumnType.FLOAT32;
            case DOUBLE -> ColumnType.FLOAT64;
            case DECIMAL -> ColumnType.decimal(Math.min(t.getPrecision(), ColumnType.MAX_DECIMAL_PRECISION),
                    Math.min(t.getScale(), Math.min(t.getPrecision(), ColumnType.MAX_DECIMAL_PRECISION)));
            case CHAR -> ColumnType.bpchar(0);
            case BINARY, VARBINARY -> ColumnType.BYTES;
            case DATE -> ColumnType.DATE;
            case TIME -> ColumnType.TIME;
            case TIMESTAMP -> ColumnType.TIMESTAMP;
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> ColumnType.TIMESTAMPTZ;
            default -> ColumnType.TEXT;
        };
    }
}
