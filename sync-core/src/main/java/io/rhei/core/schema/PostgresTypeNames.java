package io.rhei.core.schema;

/**
 * The names PostgreSQL gives the types of Rhei's model: one place for the catalog ({@code format_type}), the
 * protocols' type listings and error messages.
 */
public final class PostgresTypeNames {
    private PostgresTypeNames() {
    }

    /** {@code format_type}'s text for a column: the name with its modifiers, e.g. {@code numeric(10,2)}. */
    public static String of(ColumnType t) {
        return switch (t.kind()) {
            case DECIMAL -> "numeric(" + t.precision() + "," + t.scale() + ")";
            case CHAR -> t.precision() > 0 ? "character(" + t.precision() + ")" : "bpchar";
            default -> of(t.kind());
        };
    }

    /** The type's name without modifiers, e.g. {@code numeric}, {@code character}. */
    public static String of(ColumnType.Kind kind) {
        return switch (kind) {
            case BOOLEAN -> "boolean";
            case INT16 -> "smallint";
            case INT32 -> "integer";
            case INT64 -> "bigint";
            case FLOAT32 -> "real";
            case FLOAT64 -> "double precision";
            case DECIMAL -> "numeric";
            case TEXT -> "text";
            case CHAR -> "character";
            case BYTES -> "bytea";
            case DATE -> "date";
            case TIME -> "time without time zone";
            case TIMESTAMP -> "timestamp without time zone";
            case TIMESTAMPTZ -> "timestamp with time zone";
            case UUID -> "uuid";
            case JSON -> "json";
        };
    }
}
