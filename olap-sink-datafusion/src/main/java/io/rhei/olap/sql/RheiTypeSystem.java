package io.rhei.olap.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Result types chosen to match what the native aggregates produce: decimals up to 38 digits (PostgreSQL's
 * numeric(38) range as Arrow Decimal128), SUM of int2/int4 as BIGINT, of int8 as decimal(38,0), of decimal(p,s) as
 * decimal(min(38,p+10),s); AVG of integers and decimals as numeric with {@link #QUOTIENT_SCALE} decimals (AVG of floats
 * as DOUBLE), and numeric quotients with as many.
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
        return switch (typeName) {
            case DECIMAL -> 38;
            // PostgreSQL keeps microseconds; Calcite's default of 3 would cut a literal's to milliseconds
            case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 6;
            default -> super.getMaxPrecision(typeName);
        };
    }

    /** {@code timestamp} and {@code time} without a precision keep microseconds, as in PostgreSQL (Calcite's default: 0). */
    @Override
    public int getDefaultPrecision(SqlTypeName typeName) {
        return switch (typeName) {
            case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 6;
            default -> super.getDefaultPrecision(typeName);
        };
    }

    @Override
    public int getMaxScale(SqlTypeName typeName) {
        return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxScale(typeName);
    }

    @Override
    public RelDataType deriveSumType(RelDataTypeFactory f, RelDataType argumentType) {
        RelDataType t = switch (argumentType.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER -> f.createSqlType(SqlTypeName.BIGINT);
            // PostgreSQL sums bigint into numeric: no overflow where the total fits 38 digits
            case BIGINT -> f.createSqlType(SqlTypeName.DECIMAL, 38, 0);
            case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, Math.min(38, argumentType.getPrecision() + 10), argumentType.getScale());
            case REAL, FLOAT, DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
            default -> argumentType;
        };
        return f.createTypeWithNullability(t, argumentType.isNullable());
    }

    /** covar_pop and covar_samp are double precision whatever their arguments, as in PostgreSQL. */
    @Override
    public RelDataType deriveCovarType(RelDataTypeFactory f, RelDataType arg0Type, RelDataType arg1Type) {
        return f.createTypeWithNullability(f.createSqlType(SqlTypeName.DOUBLE), true);
    }

    /** AVG of numeric and of integers is numeric, as in PostgreSQL (16 decimals or the argument's scale + 4); of floats double. */
    @Override
    public RelDataType deriveAvgAggType(RelDataTypeFactory f, RelDataType argumentType) {
        RelDataType t = switch (argumentType.getSqlTypeName()) {
            // an average is no larger than the largest value: room for the argument's integer digits
            case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, 38, Math.min(Math.max(argumentType.getScale() + 4, QUOTIENT_SCALE),
                    38 - (argumentType.getPrecision() - argumentType.getScale())));
            case TINYINT, SMALLINT, INTEGER, BIGINT -> f.createSqlType(SqlTypeName.DECIMAL, 38, Math.min(QUOTIENT_SCALE, 38 - integerDigits(argumentType)));
            default -> f.createSqlType(SqlTypeName.DOUBLE);
        };
        // NULL for no rows whatever the argument: nullable (Calcite's rules re-derive it with other group counts)
        return f.createTypeWithNullability(t, true);
    }

    /**
     * Decimal sums, differences and products are typed as the native operators type them (Spark's rules:
     * {@code +,-}: scale max(s1,s2), precision max(p1-s1,p2-s2)+scale+1; {@code *}: p1+p2+1, s1+s2; above 38 digits
     * the scale gives way down to 6), so no cast is needed after them. Results are exact whenever they fit.
     */
    static RelDataType sparkDecimal(RelDataTypeFactory f, int precision, int scale) {
        if (precision > 38) {
            int intDigits = precision - scale;
            int minScale = Math.min(scale, 6);
            scale = Math.max(38 - intDigits, minScale);
            precision = 38;
        }
        return f.createSqlType(SqlTypeName.DECIMAL, precision, scale);
    }

    @Override
    public RelDataType deriveDecimalPlusType(RelDataTypeFactory f, RelDataType t1, RelDataType t2) {
        RelDataType d = super.deriveDecimalPlusType(f, t1, t2);
        if (d == null || d.getSqlTypeName() != SqlTypeName.DECIMAL) {
            return d;
        }
        // an integer operand counts as the decimal that holds it (bigint: 19 digits), as the native operator takes it
        t1 = asDecimal(f, t1);
        t2 = asDecimal(f, t2);
        int scale = Math.max(t1.getScale(), t2.getScale());
        int precision = Math.max(t1.getPrecision() - t1.getScale(), t2.getPrecision() - t2.getScale()) + scale + 1;
        return f.createTypeWithNullability(sparkDecimal(f, precision, scale), d.isNullable());
    }

    @Override
    public RelDataType deriveDecimalMultiplyType(RelDataTypeFactory f, RelDataType t1, RelDataType t2) {
        RelDataType d = super.deriveDecimalMultiplyType(f, t1, t2);
        // an integer operand keeps Calcite's type (the product's scale is the decimal's): the native operator computes
        // at the operands' scales, so a scale that gave way would be lost to the operand's rounding, times the integer
        if (d == null || t1.getSqlTypeName() != SqlTypeName.DECIMAL || t2.getSqlTypeName() != SqlTypeName.DECIMAL) {
            return d;
        }
        return f.createTypeWithNullability(sparkDecimal(f, t1.getPrecision() + t2.getPrecision() + 1, t1.getScale() + t2.getScale()),
                d.isNullable());
    }

    private static RelDataType asDecimal(RelDataTypeFactory f, RelDataType t) {
        return switch (t.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> f.createSqlType(SqlTypeName.DECIMAL, integerDigits(t), 0);
            default -> t;
        };
    }

    private static int integerDigits(RelDataType t) {
        return switch (t.getSqlTypeName()) {
            case TINYINT -> 3;
            case SMALLINT -> 5;
            case INTEGER -> 10;
            default -> 19;
        };
    }

    /**
     * Decimals of numeric quotients and averages. PostgreSQL gives at least 16 significant digits, so its scale
     * follows the quotient's size (16 decimals from 1 to 9999, 20 from 0.0001 to 1, fewer above); Rhei's scale is
     * fixed, so it keeps 20: every quotient down to 0.0001 has all of PostgreSQL's digits (and some more above 1).
     */
    static final int QUOTIENT_SCALE = 20;

    /**
     * Decimal quotients keep {@link #QUOTIENT_SCALE} decimals (fewer when the integer digits need the room), or the
     * larger scale of the operands. Exact, rounded half away from zero.
     */
    @Override
    public RelDataType deriveDecimalDivideType(RelDataTypeFactory f, RelDataType t1, RelDataType t2) {
        RelDataType d = super.deriveDecimalDivideType(f, t1, t2);
        if (d == null || d.getSqlTypeName() != SqlTypeName.DECIMAL) {
            return d;
        }
        int scale = Math.max(QUOTIENT_SCALE, Math.max(t1.getScale(), t2.getScale()));
        // room for the quotient's integer digits: at most those of the dividend plus the divisor's decimals
        int intDigits = t1.getPrecision() - t1.getScale() + t2.getScale();
        scale = Math.max(Math.max(t1.getScale(), t2.getScale()), Math.min(scale, 38 - intDigits));
        // as many digits as the quotient can have: a sum with it keeps its scale where 38 digits would have given way
        scale = Math.min(scale, 30);
        return f.createTypeWithNullability(f.createSqlType(SqlTypeName.DECIMAL, Math.min(38, Math.max(intDigits, 1) + scale), scale),
                d.isNullable());
    }

    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }
}
