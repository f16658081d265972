package io.rhei.olap.sql;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelProtoDataType;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlConformance;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

import java.util.Map;

/**
 * PostgreSQL's SQL as Rhei reads it: Calcite's Babel parser ({@code x::type}, ILIKE, non-reserved words as names),
 * identifiers folded to lower case unless quoted, PostgreSQL's type names ({@code text}, {@code int4},
 * {@code float8}, {@code timestamptz}...), and the functions of Calcite's PostgreSQL library beside the standard
 * ones and Rhei's own ({@link PostgresFunctions}).
 */
final class PostgresDialect {
    /**
     * Babel's leniency: LIMIT/OFFSET, GROUP BY aliases and ordinals, SELECT without FROM, {@code !=}, {@code %},
     * {@code now()}. (CASE and UNION over texts of different lengths are varchar: {@link RheiTypeSystem}.)
     */
    static final SqlConformance CONFORMANCE = SqlConformanceEnum.BABEL;

    static final SqlOperatorTable OPERATORS = SqlOperatorTables.chain(
            PostgresFunctions.TABLE,
            SqlStdOperatorTable.instance(),
            SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.POSTGRESQL));

    /** PostgreSQL type names Calcite does not know, as the types they stand for. */
    private static final Map<String, SqlTypeName> TYPE_NAMES = Map.ofEntries(
            Map.entry("text", SqlTypeName.VARCHAR),
            Map.entry("name", SqlTypeName.VARCHAR),
            Map.entry("bpchar", SqlTypeName.CHAR),
            Map.entry("int2", SqlTypeName.SMALLINT),
            Map.entry("int4", SqlTypeName.INTEGER),
            Map.entry("int8", SqlTypeName.BIGINT),
            Map.entry("float4", SqlTypeName.REAL),
            Map.entry("float8", SqlTypeName.DOUBLE),
            Map.entry("bool", SqlTypeName.BOOLEAN),
            Map.entry("bytea", SqlTypeName.VARBINARY),
            Map.entry("timestamptz", SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE),
            Map.entry("uuid", SqlTypeName.VARCHAR),
            Map.entry("json", SqlTypeName.VARCHAR),
            Map.entry("jsonb", SqlTypeName.VARCHAR));

    private PostgresDialect() {
    }

    static SqlParser.Config parserConfig() {
        return SqlParser.config()
                .withParserFactory(SqlBabelParserImpl.FACTORY)
                .withConformance(CONFORMANCE)
                .withCaseSensitive(true)
                .withUnquotedCasing(Casing.TO_LOWER)
                .withQuotedCasing(Casing.UNCHANGED);
    }

    /** Adds PostgreSQL's type names to {@code schema}, so that {@code CAST(x AS text)} and {@code x::int8} resolve. */
    static void registerTypeNames(SchemaPlus schema) {
        TYPE_NAMES.forEach((name, type) -> schema.add(name, (RelProtoDataType) f -> typeOf(f, type)));
    }

    private static org.apache.calcite.rel.type.RelDataType typeOf(RelDataTypeFactory f, SqlTypeName type) {
        return switch (type) {
            case CHAR -> f.createSqlType(SqlTypeName.CHAR, Bpchar.UNBOUNDED);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> f.createSqlType(type, 6);
            default -> f.createSqlType(type);
        };
    }
}
