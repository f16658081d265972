package io.rhei.core.schema;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Arrow form of Rhei's schemas: the mapping documented on {@link ColumnType}. */
public final class ArrowSchemas {
    /** Field metadata key holding Rhei's column kind, so UUID and JSON survive the trip through Utf8. */
    public static final String KIND_METADATA = "rhei.kind";
    /** Schema metadata keys. */
    public static final String TABLE_METADATA = "rhei.table";
    public static final String VERSION_METADATA = "rhei.schema_version";
    public static final String PRIMARY_KEY_METADATA = "rhei.primary_key";

    private ArrowSchemas() {
    }

    public static ArrowType arrowType(ColumnType type) {
        switch (type.kind()) {
            case BOOLEAN: return ArrowType.Bool.INSTANCE;
            case INT16: return new ArrowType.Int(16, true);
            case INT32: return new ArrowType.Int(32, true);
            case INT64: return new ArrowType.Int(64, true);
            case FLOAT32: return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case FLOAT64: return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DECIMAL: return new ArrowType.Decimal(type.precision(), type.scale(), 128);
            case TEXT:
            case CHAR:
            case UUID:
            case JSON: return ArrowType.Utf8.INSTANCE;
            case BYTES: return ArrowType.Binary.INSTANCE;
            case DATE: return new ArrowType.Date(DateUnit.DAY);
            case TIME: return new ArrowType.Time(TimeUnit.MICROSECOND, 64);
            case TIMESTAMP: return new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case TIMESTAMPTZ: return new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            default: throw new SchemaException("no Arrow type for " + type);
        }
    }

    public static Field field(Column column) {
        FieldType ft = new FieldType(column.nullable(), arrowType(column.type()), null,
                Map.of(KIND_METADATA, column.type().toString()));
        return new Field(column.name(), ft, null);
    }

    public static Schema schema(TableSchema table) {
        List<Field> fields = new ArrayList<>(table.columnCount());
        for (Column c : table.columns()) {
            fields.add(field(c));
        }
        return new Schema(fields, Map.of(
                TABLE_METADATA, table.table().toString(),
                VERSION_METADATA, Integer.toString(table.version()),
                PRIMARY_KEY_METADATA, String.join(",", table.primaryKey())));
    }
}
