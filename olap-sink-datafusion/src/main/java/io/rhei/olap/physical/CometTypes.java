package io.rhei.olap.physical;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.comet.serde.Types.DataType;
import org.apache.comet.serde.Types.DataType.DataTypeId;

/** SQL types as the native plan and Arrow name them. */
public final class CometTypes {
    private CometTypes() {
    }

    static DataType of(RelDataType t) {
        return switch (t.getSqlTypeName()) {
            case BOOLEAN -> id(DataTypeId.BOOL);
            case TINYINT -> id(DataTypeId.INT8);
            case SMALLINT -> id(DataTypeId.INT16);
            case INTEGER -> id(DataTypeId.INT32);
            case BIGINT -> id(DataTypeId.INT64);
            case REAL, FLOAT -> id(DataTypeId.FLOAT);
            case DOUBLE -> id(DataTypeId.DOUBLE);
            case DECIMAL -> decimal(t.getPrecision(), t.getScale());
            case CHAR, VARCHAR -> id(DataTypeId.STRING);
            case BINARY, VARBINARY -> id(DataTypeId.BYTES);
            case DATE -> id(DataTypeId.DATE);
            case TIMESTAMP -> id(DataTypeId.TIMESTAMP_NTZ);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> id(DataTypeId.TIMESTAMP);
            case NULL -> id(DataTypeId.NULL);
            default -> throw new IllegalArgumentException("type " + t.getFullTypeString() + " cannot be executed natively");
        };
    }

    public static ArrowType arrow(RelDataType t) {
        return switch (t.getSqlTypeName()) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case TINYINT -> new ArrowType.Int(8, true);
            case SMALLINT -> new ArrowType.Int(16, true);
            case INTEGER -> new ArrowType.Int(32, true);
            case BIGINT -> new ArrowType.Int(64, true);
            case REAL, FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DECIMAL -> new ArrowType.Decimal(t.getPrecision(), t.getScale(), 128);
            case BINARY, VARBINARY -> ArrowType.Binary.INSTANCE;
            case DATE -> new ArrowType.Date(DateUnit.DAY);
            case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            case NULL -> ArrowType.Null.INSTANCE;
            default -> ArrowType.Utf8.INSTANCE;
        };
    }

    /** The native type of an Arrow type, as native results come back in. */
    static DataType ofArrow(ArrowType t) {
        return switch (t.getTypeID()) {
            case Bool -> id(DataTypeId.BOOL);
            case Int -> switch (((ArrowType.Int) t).getBitWidth()) {
                case 8 -> id(DataTypeId.INT8);
                case 16 -> id(DataTypeId.INT16);
                case 32 -> id(DataTypeId.INT32);
                default -> id(DataTypeId.INT64);
            };
            case FloatingPoint -> ((ArrowType.FloatingPoint) t).getPrecision() == FloatingPointPrecision.SINGLE
                    ? id(DataTypeId.FLOAT) : id(DataTypeId.DOUBLE);
            case Decimal -> decimal(((ArrowType.Decimal) t).getPrecision(), ((ArrowType.Decimal) t).getScale());
            case Utf8, LargeUtf8 -> id(DataTypeId.STRING);
            case Binary, LargeBinary -> id(DataTypeId.BYTES);
            case Date -> id(DataTypeId.DATE);
            case Timestamp -> ((ArrowType.Timestamp) t).getTimezone() == null ? id(DataTypeId.TIMESTAMP_NTZ) : id(DataTypeId.TIMESTAMP);
            case Null -> id(DataTypeId.NULL);
            default -> throw new IllegalArgumentException("native result type " + t + " cannot be fed back to a native scan");
        };
    }

    static DataType id(DataTypeId id) {
        return DataType.newBuilder().setTypeId(id).build();
    }

    static DataType decimal(int precision, int scale) {
        return DataType.newBuilder().setTypeId(DataTypeId.DECIMAL)
                .setTypeInfo(DataType.DataTypeInfo.newBuilder().setDecimal(DataType.DecimalInfo.newBuilder().setPrecision(precision).setScale(scale)))
                .build();
    }
}
