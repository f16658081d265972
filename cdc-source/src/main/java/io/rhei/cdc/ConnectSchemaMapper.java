package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.ColumnType;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a Debezium row schema (Connect struct schema, with {@code column.propagate.source.type} parameters) to
 * Rhei columns. The PostgreSQL type name decides; Connect types are the fallback. String-valued types outside
 * the model (enum, inet, interval as ISO text, xml, citext...) are kept as TEXT; anything else is refused with the
 * table, column and type named.
 */
final class ConnectSchemaMapper {
    static final String SOURCE_TYPE = "__debezium.source.column.type";
    static final String SOURCE_LENGTH = "__debezium.source.column.length";
    static final String SOURCE_SCALE = "__debezium.source.column.scale";
    /** Unconstrained numeric takes this shape; values that do not fit are refused with the value named. */
    static final ColumnType UNCONSTRAINED_NUMERIC = ColumnType.decimal(38, 10);

    private ConnectSchemaMapper() {
    }

    static List<Column> columns(TableId table, Schema rowSchema) {
        List<Column> out = new ArrayList<>(rowSchema.fields().size());
        for (Field f : rowSchema.fields()) {
            ColumnType type = type(table, f.name(), f.schema());
            Object defaultValue = null;
            if (f.schema().defaultValue() != null) {
                defaultValue = ValueConverter.convert(table, f.name(), type, f.schema(), f.schema().defaultValue());
            }
            boolean nullable = f.schema().isOptional();
            if (!nullable && defaultValue == null) {
                out.add(Column.required(f.name(), type));
            } else {
                out.add(new Column(f.name(), type, nullable, defaultValue));
            }
        }
        return out;
    }

    static ColumnType type(TableId table, String column, Schema schema) {
        Map<String, String> params = schema.parameters() == null ? Map.of() : schema.parameters();
        String pgType = params.getOrDefault(SOURCE_TYPE, "").toUpperCase(Locale.ROOT);
        switch (pgType) {
            case "BOOL": return ColumnType.BOOLEAN;
            case "INT2": case "SMALLSERIAL": return ColumnType.INT16;
            case "INT4": case "SERIAL": return ColumnType.INT32;
            case "INT8": case "BIGSERIAL": case "OID": return ColumnType.INT64;
            case "FLOAT4": return ColumnType.FLOAT32;
            case "FLOAT8": return ColumnType.FLOAT64;
            case "NUMERIC": case "DECIMAL": return numeric(params);
            case "TEXT": case "VARCHAR": case "NAME": return ColumnType.TEXT;
            // char(n) keeps its blank-padded semantics (trailing blanks do not count in comparisons)
            case "BPCHAR": case "CHAR": return bpchar(params);
            case "BYTEA": return ColumnType.BYTES;
            case "DATE": return ColumnType.DATE;
            case "TIME": return ColumnType.TIME;
            case "TIMESTAMP": return ColumnType.TIMESTAMP;
            case "TIMESTAMPTZ": return ColumnType.TIMESTAMPTZ;
            case "UUID": return ColumnType.UUID;
            case "JSON": case "JSONB": return ColumnType.JSON;
            default: break;
        }
        if (schema.type() == Schema.Type.STRING) {
            return ColumnType.TEXT;
        }
        throw new RheiException("column " + table + "." + column + " has PostgreSQL type "
                + (pgType.isEmpty() ? "(unknown, Connect " + schema.type() + ")" : pgType.toLowerCase(Locale.ROOT))
                + ", which Rhei does not support: leave the column out (source.columns.exclude=" + table + "." + column
                + ") or the table (source.tables.exclude)");
    }

    /** PostgreSQL's longest char(n) is 10485760; a larger or missing length is bpchar without one. */
    private static ColumnType bpchar(Map<String, String> params) {
        int length = parse(params.get(SOURCE_LENGTH));
        return ColumnType.bpchar(length < 0 || length > 10_485_760 ? 0 : length);
    }

    private static ColumnType numeric(Map<String, String> params) {
        int precision = parse(params.get(SOURCE_LENGTH));
        int scale = parse(params.get(SOURCE_SCALE));
        if (precision <= 0 || precision > ColumnType.MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
            return UNCONSTRAINED_NUMERIC;
        }
        return ColumnType.decimal(precision, scale);
    }

    private static int parse(String s) {
        if (s == null || s.isEmpty()) {
            return -1;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
