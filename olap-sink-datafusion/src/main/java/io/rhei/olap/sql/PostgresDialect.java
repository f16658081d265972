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

    /** Function names match whatever their case, as in PostgreSQL (identifiers are case-sensitive otherwise). */
    static final SqlOperatorTable OPERATORS = caseInsensitive(SqlOperatorTables.chain(
            PostgresFunctions.TABLE,
            SqlStdOperatorTable.instance(),
            SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.POSTGRESQL)));

    private static SqlOperatorTable caseInsensitive(SqlOperatorTable table) {
        return new SqlOperatorTable() {
            @Override
            public void lookupOperatorOverloads(org.apache.calcite.sql.SqlIdentifier name, org.apache.calcite.sql.SqlFunctionCategory category,
                    org.apache.calcite.sql.SqlSyntax syntax, java.util.List<org.apache.calcite.sql.SqlOperator> operators,
                    org.apache.calcite.sql.validate.SqlNameMatcher nameMatcher) {
                table.lookupOperatorOverloads(name, category, syntax, operators, org.apache.calcite.sql.validate.SqlNameMatchers.withCaseSensitive(false));
            }

            @Override
            public java.util.List<org.apache.calcite.sql.SqlOperator> getOperatorList() {
                return table.getOperatorList();
            }
        };
    }

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
            Map.entry("jsonb", SqlTypeName.VARCHAR),
            // object identifiers are int8 columns in Rhei's pg_catalog; a literal cast to regclass/regtype is resolved
            // to the OID before validation (CatalogFunctions)
            Map.entry("oid", SqlTypeName.BIGINT),
            Map.entry("regclass", SqlTypeName.BIGINT),
            Map.entry("regtype", SqlTypeName.BIGINT),
            Map.entry("regproc", SqlTypeName.BIGINT),
            Map.entry("regnamespace", SqlTypeName.BIGINT));

    private PostgresDialect() {
    }

    /** Units whose extract has a fraction, which Calcite's EXTRACT (typed bigint) would drop. */
    private static final java.util.Set<String> FRACTIONAL_UNITS = java.util.Set.of("second", "seconds", "epoch",
            "millisecond", "milliseconds", "microsecond", "microseconds");

    /**
     * PostgreSQL meanings Calcite's validator would change, rewritten in the parsed query: {@code extract} and
     * {@code date_part} of second, epoch, milliseconds and microseconds keep their fractions (numeric, as in
     * PostgreSQL, rather than Calcite's bigint).
     */
    static org.apache.calcite.sql.SqlNode rewriteParsed(org.apache.calcite.sql.SqlNode original) {
        org.apache.calcite.sql.SqlNode parsed = InListExpansion.rewrite(TextLiteralColumns.rewrite(IndexKeyExpansion.rewrite(CatalogFunctions.rewrite(
                CatalogDefinitions.rewrite(EmptyCatalogTables.rewrite(original))))));
        orderByOutputNames(parsed);
        return parsed.accept(new org.apache.calcite.sql.util.SqlShuttle() {
            @Override
            public org.apache.calcite.sql.SqlNode visit(org.apache.calcite.sql.SqlCall call) {
                org.apache.calcite.sql.SqlNode visited = super.visit(call);
                if (!(visited instanceof org.apache.calcite.sql.SqlCall c)) {
                    return visited;
                }
                String unit = null;
                if (c.getKind() == org.apache.calcite.sql.SqlKind.EXTRACT && c.operand(0) instanceof org.apache.calcite.sql.SqlIntervalQualifier q) {
                    // a unit Calcite does not know (milliseconds) is a named time frame, with EPOCH as placeholder
                    unit = q.timeFrameName != null ? q.timeFrameName.toLowerCase(java.util.Locale.ROOT)
                            : q.timeUnitRange.name().toLowerCase(java.util.Locale.ROOT);
                } else if (c.getOperator().getName().equalsIgnoreCase("DATE_PART") && c.operandCount() == 2
                        && c.operand(0) instanceof org.apache.calcite.sql.SqlCharStringLiteral lit) {
                    unit = lit.getValueAs(String.class).toLowerCase(java.util.Locale.ROOT);
                } else if (c.getOperator().getName().equalsIgnoreCase("DATE_PART") && c.operandCount() == 2
                        && c.operand(0) instanceof org.apache.calcite.sql.SqlIntervalQualifier q2) {
                    unit = q2.timeUnitRange.name().toLowerCase(java.util.Locale.ROOT);
                }
                if (unit == null) {
                    return visited;
                }
                if (!FRACTIONAL_UNITS.contains(unit)) {
                    // PostgreSQL's extract is numeric and date_part double precision: extract(year FROM d) / 7 divides
                    // exactly there (288.2857...), where Calcite's bigint divided to 288
                    boolean extract = c.getKind() == org.apache.calcite.sql.SqlKind.EXTRACT;
                    org.apache.calcite.sql.SqlTypeNameSpec type = extract
                            ? new org.apache.calcite.sql.SqlBasicTypeNameSpec(org.apache.calcite.sql.type.SqlTypeName.DECIMAL, 20, 0, c.getParserPosition())
                            : new org.apache.calcite.sql.SqlBasicTypeNameSpec(org.apache.calcite.sql.type.SqlTypeName.DOUBLE, c.getParserPosition());
                    return org.apache.calcite.sql.fun.SqlStdOperatorTable.CAST.createCall(c.getParserPosition(), visited,
                            new org.apache.calcite.sql.SqlDataTypeSpec(type, c.getParserPosition()));
                }
                return PostgresFunctions.EXTRACT_EXACT.createCall(c.getParserPosition(),
                        org.apache.calcite.sql.SqlLiteral.createCharString(unit, c.getParserPosition()), c.operand(1));
            }
        });
    }

    /**
     * PostgreSQL resolves a bare name in ORDER BY against the result's column names first ({@code SELECT id::text
     * ... ORDER BY id} sorts the text), then against the input's; Calcite only knows explicit aliases. Such names
     * become ordinals.
     */
    private static void orderByOutputNames(org.apache.calcite.sql.SqlNode query) {
        org.apache.calcite.sql.SqlNodeList order;
        org.apache.calcite.sql.SqlNode body;
        if (query instanceof org.apache.calcite.sql.SqlOrderBy ob) {
            order = ob.orderList;
            body = ob.query;
        } else if (query instanceof org.apache.calcite.sql.SqlSelect sel && sel.getOrderList() != null) {
            order = sel.getOrderList();
            body = sel;
        } else {
            return;
        }
        if (!(body instanceof org.apache.calcite.sql.SqlSelect select) || order == null) {
            return;
        }
        java.util.List<org.apache.calcite.sql.SqlNode> items = select.getSelectList().getList();
        for (int k = 0; k < order.size(); k++) {
            org.apache.calcite.sql.SqlNode item = order.get(k);
            org.apache.calcite.sql.SqlNode key = item;
            java.util.List<org.apache.calcite.sql.SqlCall> wrappers = new java.util.ArrayList<>();
            while (key instanceof org.apache.calcite.sql.SqlCall c && (c.getKind() == org.apache.calcite.sql.SqlKind.DESCENDING
                    || c.getKind() == org.apache.calcite.sql.SqlKind.NULLS_FIRST || c.getKind() == org.apache.calcite.sql.SqlKind.NULLS_LAST)) {
                wrappers.add(c);
                key = c.operand(0);
            }
            if (!(key instanceof org.apache.calcite.sql.SqlIdentifier id) || !id.isSimple()) {
                continue;
            }
            int match = -1;
            boolean plainColumn = false;
            for (int i = 0; i < items.size(); i++) {
                org.apache.calcite.sql.SqlNode sel = items.get(i);
                String name = sel.getKind() == org.apache.calcite.sql.SqlKind.AS
                        ? ((org.apache.calcite.sql.SqlCall) sel).operand(1).toString() : PostgresColumnNames.figure(sel);
                if (name.equals(id.getSimple())) {
                    if (match >= 0) {
                        return; // ambiguous: PostgreSQL refuses it; leave it to the validator
                    }
                    match = i;
                    plainColumn = sel instanceof org.apache.calcite.sql.SqlIdentifier;
                }
            }
            if (match < 0 || plainColumn) {
                continue;
            }
            org.apache.calcite.sql.SqlNode ordinal = org.apache.calcite.sql.SqlLiteral.createExactNumeric(Integer.toString(match + 1), id.getParserPosition());
            if (wrappers.isEmpty()) {
                order.set(k, ordinal);
            } else {
                wrappers.get(wrappers.size() - 1).setOperand(0, ordinal);
            }
        }
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
        SchemaPlus catalog = schema.getSubSchema("pg_catalog");
        if (catalog != null) {
            // psql writes pg_catalog.text, pg_catalog.regtype
            TYPE_NAMES.forEach((name, type) -> catalog.add(name, (RelProtoDataType) f -> typeOf(f, type)));
        }
    }

    private static org.apache.calcite.rel.type.RelDataType typeOf(RelDataTypeFactory f, SqlTypeName type) {
        return switch (type) {
            case CHAR -> f.createSqlType(SqlTypeName.CHAR, Bpchar.UNBOUNDED);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> f.createSqlType(type, 6);
            default -> f.createSqlType(type);
        };
    }
}
