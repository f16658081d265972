package io.rhei.olap.sql;

import io.rhei.olap.physical.RexLowering;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeTransforms;
import org.apache.calcite.sql.util.SqlOperatorTables;

import java.util.List;

/**
 * PostgreSQL functions that neither Calcite's standard operators nor its PostgreSQL library define, typed as
 * PostgreSQL types them. {@link RexLowering} maps each to native expressions; session probes such as
 * {@code version()} fold to constants ({@link SessionInfo}).
 */
final class PostgresFunctions {
    private PostgresFunctions() {
    }

    /** {@code date_trunc(unit, x)}: a timestamp stays a timestamp; a date or timestamptz becomes a timestamptz. */
    static final SqlFunction DATE_TRUNC = new SqlFunction("DATE_TRUNC", SqlKind.OTHER_FUNCTION,
            ReturnTypes.cascade(opBinding -> {
                RelDataType t = opBinding.getOperandType(1);
                var f = opBinding.getTypeFactory();
                return t.getSqlTypeName() == SqlTypeName.TIMESTAMP ? t
                        : f.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6);
            }, SqlTypeTransforms.TO_NULLABLE),
            null, OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME), SqlFunctionCategory.TIMEDATE);

    /** {@code extract}/{@code date_part} of a unit with fractions (second, epoch, milliseconds): numeric(p, 6). */
    static final SqlFunction EXTRACT_EXACT = new SqlFunction("RHEI_EXTRACT_EXACT", SqlKind.OTHER_FUNCTION,
            ReturnTypes.cascade(opBinding -> opBinding.getTypeFactory().createSqlType(SqlTypeName.DECIMAL, 24, 6),
                    SqlTypeTransforms.TO_NULLABLE),
            null, OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME), SqlFunctionCategory.TIMEDATE);

    /** {@code trunc(x [, digits])}: towards zero, numeric stays numeric, double stays double. */
    static final SqlFunction TRUNC = new SqlFunction("TRUNC", SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0_NULLABLE, null,
            OperandTypes.or(OperandTypes.NUMERIC, OperandTypes.NUMERIC_INTEGER), SqlFunctionCategory.NUMERIC);

    /** {@code round(x [, digits])}: a numeric may gain an integer digit (99.99 rounds to 100), so one more digit. */
    static final SqlFunction ROUND = new SqlFunction("ROUND", SqlKind.OTHER_FUNCTION, opBinding -> {
        RelDataType t = opBinding.getOperandType(0);
        var f = opBinding.getTypeFactory();
        RelDataType r = t.getSqlTypeName() == SqlTypeName.DECIMAL
                ? f.createSqlType(SqlTypeName.DECIMAL, Math.min(38, t.getPrecision() + 1), t.getScale()) : t;
        return f.createTypeWithNullability(r, t.isNullable());
    }, null, OperandTypes.or(OperandTypes.NUMERIC, OperandTypes.NUMERIC_INTEGER), SqlFunctionCategory.NUMERIC);

    static final SqlFunction REVERSE = stringFunction("REVERSE", OperandTypes.CHARACTER);
    static final SqlFunction BTRIM = stringFunction("BTRIM", OperandTypes.or(OperandTypes.CHARACTER, OperandTypes.STRING_STRING));

    static final SqlFunction MAKE_DATE = new SqlFunction("MAKE_DATE", SqlKind.OTHER_FUNCTION, ReturnTypes.DATE_NULLABLE, null,
            OperandTypes.family(SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER), SqlFunctionCategory.TIMEDATE);

    /** {@code now()}: the query's start, as timestamptz. */
    static final SqlFunction NOW = new SqlFunction("NOW", SqlKind.OTHER_FUNCTION,
            opBinding -> opBinding.getTypeFactory().createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6), null,
            OperandTypes.NILADIC, SqlFunctionCategory.TIMEDATE) {
        @Override
        public boolean isDynamicFunction() {
            return true;
        }
    };

    static final SqlFunction VERSION = sessionFunction("VERSION", OperandTypes.NILADIC);
    static final SqlFunction CURRENT_DATABASE = sessionFunction("CURRENT_DATABASE", OperandTypes.NILADIC);
    static final SqlFunction CURRENT_SETTING = sessionFunction("CURRENT_SETTING", OperandTypes.CHARACTER);
    static final SqlFunction PG_BACKEND_PID = new SqlFunction("PG_BACKEND_PID", SqlKind.OTHER_FUNCTION, ReturnTypes.INTEGER, null,
            OperandTypes.NILADIC, SqlFunctionCategory.SYSTEM);

    /** {@code corr(y, x)}: the correlation coefficient, double precision. */
    static final org.apache.calcite.sql.SqlAggFunction CORR = org.apache.calcite.sql.fun.SqlBasicAggFunction.create("CORR",
            SqlKind.OTHER_FUNCTION, ReturnTypes.cascade(ReturnTypes.explicit(SqlTypeName.DOUBLE), SqlTypeTransforms.FORCE_NULLABLE),
            OperandTypes.NUMERIC_NUMERIC);

    static final SqlOperatorTable TABLE = SqlOperatorTables.of(List.of(DATE_TRUNC, EXTRACT_EXACT, TRUNC, ROUND, REVERSE, BTRIM, MAKE_DATE, NOW,
            VERSION, CURRENT_DATABASE, CURRENT_SETTING, PG_BACKEND_PID, CORR));

    private static SqlFunction stringFunction(String name, org.apache.calcite.sql.type.SqlOperandTypeChecker operands) {
        SqlReturnTypeInference varchar = ReturnTypes.cascade(ReturnTypes.explicit(SqlTypeName.VARCHAR), SqlTypeTransforms.TO_NULLABLE);
        return new SqlFunction(name, SqlKind.OTHER_FUNCTION, varchar, null, operands, SqlFunctionCategory.STRING);
    }

    private static SqlFunction sessionFunction(String name, org.apache.calcite.sql.type.SqlOperandTypeChecker operands) {
        return new SqlFunction(name, SqlKind.OTHER_FUNCTION, ReturnTypes.explicit(SqlTypeName.VARCHAR), null, operands,
                SqlFunctionCategory.SYSTEM);
    }
}
