package io.rhei.olap.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Result types chosen to match what the native aggregates produce: decimals up to 38 digits (PostgreSQL's
 * numeric(38) range as Arrow Decimal128), SUM of integers as BIGINT, SUM of decimal(p,s) as decimal(min(38,p+10),s),
 * AVG of integers and floats as DOUBLE, AVG of decimal(p,s) as decimal(38, max(s+4, 16)) (PostgreSQL returns about 16 decimals).
 */
final class RheiTypeSystem extends RelDataTypeSystemImpl {
    static final RheiTypeSystem INSTANCE = new RheiTypeSystem();

    @Override
    public int getMaxNumericPrecision() {
        return 38;
    }

    @Override
    public int getMaxNumericScale() {
        return 38;
    }

    @Override
    public int getMaxPrecision(SqlTypeName typeName) {
        return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxPrecision(typeName);
    }

    @Override
    public int getMaxScale(SqlTypeName typeName) {
        return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxScale(typeName);
    }

    @Override
    public RelDataType deriveSumType(RelDataTypeFactory f, RelDataType argumentType) {
        RelDataType t = switch (argumentType.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> f.createSqlType(SqlTypeName.BIGINT);
            case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, Math.min(38, argumentType.getPrecision() + 10), argumentType.getScale());
            case REAL, FLOAT, DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
            default -> argumentType;
        };
        return f.createTypeWithNullability(t, argumentType.isNullable());
    }

    @Override
    public RelDataType deriveAvgAggType(RelDataTypeFactory f, RelDataType argumentType) {
        RelDataType t = argumentType.getSqlTypeName() == SqlTypeName.DECIMAL
                ? f.createSqlType(SqlTypeName.DECIMAL, 38, Math.max(argumentType.getScale() + 4, 16))
                : f.createSqlType(SqlTypeName.DOUBLE);
        return f.createTypeWithNullability(t, argumentType.isNullable());
    }

    /** Decimal quotients keep 16 decimals, close to PostgreSQL's at least 16 significant digits. */
    @Override
    public RelDataType deriveDecimalDivideType(RelDataTypeFactory f, RelDataType t1, RelDataType t2) {
        RelDataType d = super.deriveDecimalDivideType(f, t1, t2);
        if (d == null || d.getSqlTypeName() != SqlTypeName.DECIMAL) {
            return d;
        }
        return f.createTypeWithNullability(f.createSqlType(SqlTypeName.DECIMAL, 38, 16), d.isNullable());
    }

    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }
}
