package io.rhei.olap.sql;

import io.rhei.core.model.TableId;
import io.rhei.olap.catalog.PgCatalog;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The functions catalog queries call (psql, pgjdbc's DatabaseMetaData, BI tools), rewritten in the parsed query to
 * what they mean on Rhei's read-only copy: privileges are all granted and every table visible, the owner is
 * {@code rhei}, there are no comments or defaults, {@code format_type} names a type and typmod as PostgreSQL does,
 * and a literal cast to {@code regclass} or {@code regtype} is the OID of that table or type.
 */
final class CatalogFunctions {
    private static final SqlParserPos POS = SqlParserPos.ZERO;
    private static final Set<String> ALWAYS_TRUE = Set.of("pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible",
            "has_table_privilege", "has_schema_privilege", "has_database_privilege", "has_column_privilege",
            "has_any_column_privilege", "has_sequence_privilege", "has_function_privilege");
    private static final Set<String> ALWAYS_NULL_TEXT = Set.of("obj_description", "col_description", "shobj_description",
            "pg_get_expr", "pg_get_viewdef", "pg_get_triggerdef");
    /** format_type(type oid, typmod), with {@code __t} and {@code __m} for the arguments. */
    private static final String FORMAT_TYPE = "CASE __t WHEN 16 THEN 'boolean' WHEN 17 THEN 'bytea' WHEN 18 THEN '\"char\"' "
            + "WHEN 19 THEN 'name' WHEN 20 THEN 'bigint' WHEN 21 THEN 'smallint' WHEN 23 THEN 'integer' WHEN 25 THEN 'text' "
            + "WHEN 26 THEN 'oid' WHEN 114 THEN 'json' WHEN 700 THEN 'real' WHEN 701 THEN 'double precision' "
            + "WHEN 1042 THEN (CASE WHEN __m > 4 THEN 'character(' || CAST(__m - 4 AS VARCHAR) || ')' ELSE 'bpchar' END) "
            + "WHEN 1043 THEN (CASE WHEN __m > 4 THEN 'character varying(' || CAST(__m - 4 AS VARCHAR) || ')' ELSE 'character varying' END) "
            + "WHEN 1082 THEN 'date' WHEN 1083 THEN 'time without time zone' WHEN 1114 THEN 'timestamp without time zone' "
            + "WHEN 1184 THEN 'timestamp with time zone' "
            + "WHEN 1700 THEN (CASE WHEN __m >= 4 THEN 'numeric(' || CAST((__m - 4) / 65536 AS VARCHAR) || ',' "
            + "|| CAST(MOD(__m - 4, 65536) AS VARCHAR) || ')' ELSE 'numeric' END) "
            + "WHEN 2950 THEN 'uuid' WHEN 3802 THEN 'jsonb' ELSE '???' END";

    /** The size functions of one relation, all Rhei's bytes of the table (no forks, TOAST or index files apart). */
    private static final Set<String> RELATION_SIZE = Set.of("pg_table_size", "pg_relation_size", "pg_total_relation_size");
    /** pg_size_pretty(bigint) of {@code __t}, as {@link PgCatalog#prettySize} computes it. */
    private static final String SIZE_PRETTY;

    static {
        StringBuilder sql = new StringBuilder("CASE WHEN abs(CAST(__t AS BIGINT)) < 10240 THEN CAST(CAST(__t AS BIGINT) AS VARCHAR) || ' bytes'");
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        long divisor = 512;
        for (int i = 0; i < units.length; i++) {
            String v = "(CAST(__t AS BIGINT) / " + divisor + ")";
            String rounded = "CAST((" + v + " + CASE WHEN " + v + " < 0 THEN -1 ELSE 1 END) / 2 AS VARCHAR) || ' " + units[i] + "'";
            sql.append(i < units.length - 1 ? " WHEN abs(" + v + ") < 20479 THEN " + rounded : " ELSE " + rounded + " END");
            divisor *= 1024;
        }
        SIZE_PRETTY = sql.toString();
    }

    /** A relation's bytes (or pg_size_pretty's text of them, column {@code pretty}) by OID {@code __t}. */
    private static String relationSize(String column, int n) {
        return "(SELECT z" + n + "." + column + " FROM pg_catalog." + PgCatalog.RELATION_SIZES + " z" + n + " WHERE z" + n + ".oid = __t)";
    }

    /** pg_get_indexdef / pg_get_constraintdef of OID {@code __t}: a scalar subquery over Rhei's definitions table. */
    private static String definition(int n) {
        // an alias of its own for each: Calcite's conversion asserts that one name is one correlated scope
        return "(SELECT d" + n + ".definition FROM pg_catalog." + PgCatalog.DEFINITIONS + " d" + n + " WHERE d" + n + ".oid = __t)";
    }

    private CatalogFunctions() {
    }

    static SqlNode rewrite(SqlNode parsed) {
        int[] definitions = {0};
        return printObjectNames(parsed, definitions).accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                // x::regclass::text is the name, as PostgreSQL prints a regclass (before the literal inside becomes an OID)
                if (call.getKind() == SqlKind.CAST && call.operand(1) instanceof SqlDataTypeSpec spec && isText(spec)
                        && call.operand(0) instanceof SqlCall inner) {
                    SqlNode name = objectNameLookup(inner, ++definitions[0]);
                    if (name != null) {
                        return name.accept(this);
                    }
                }
                // pg_size_pretty(pg_table_size(x)): the size table's text, rather than the pretty-printing CASE over a subquery
                if ("pg_size_pretty".equals(functionName(call)) && call.operandCount() == 1 && call.operand(0) instanceof SqlCall size
                        && functionName(size) != null && (RELATION_SIZE.contains(functionName(size)) || functionName(size).equals("pg_database_size"))) {
                    return template(relationSize("pretty", ++definitions[0]), sizeOperand(size)).accept(this);
                }
                SqlNode visited = super.visit(call);
                if (!(visited instanceof SqlCall c)) {
                    return visited;
                }
                if (c.getKind() == SqlKind.CAST && c.operand(0) instanceof SqlCharStringLiteral lit
                        && c.operand(1) instanceof SqlDataTypeSpec spec) {
                    String type = spec.getTypeName().names.get(spec.getTypeName().names.size() - 1).toLowerCase(Locale.ROOT);
                    String value = lit.getValueAs(String.class);
                    if (type.equals("regclass")) {
                        return SqlLiteral.createExactNumeric(Long.toString(regclass(value)), POS);
                    }
                    if (type.equals("regtype")) {
                        return SqlLiteral.createExactNumeric(Long.toString(regtype(value)), POS);
                    }
                    if (type.equals("regproc")) {
                        return SqlLiteral.createExactNumeric(Long.toString(regproc(value)), POS);
                    }
                }
                String name = functionName(c);
                if (name == null) {
                    return visited;
                }
                if (ALWAYS_TRUE.contains(name)) {
                    return SqlLiteral.createBoolean(true, POS);
                }
                if (ALWAYS_NULL_TEXT.contains(name)) {
                    return nullText();
                }
                return switch (name) {
                    case "pg_get_userbyid" -> SqlLiteral.createCharString(SessionInfo.USER, POS);
                    case "pg_encoding_to_char" -> SqlLiteral.createCharString("UTF8", POS);
                    // catalog arrays are text in Rhei's pg_catalog (NULL ACLs, "{1,2}" keys): already their string
                    case "array_to_string" -> c.operandCount() >= 2 ? SqlStdOperatorTable.CAST.createCall(POS, c.operand(0),
                            new SqlDataTypeSpec(new org.apache.calcite.sql.SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, POS), POS)) : visited;
                    case "format_type" -> c.operandCount() == 2 ? template(FORMAT_TYPE, c.getOperandList()) : visited;
                    // the whole definition (column 0, or no column given); one column's alone is not kept
                    case "pg_get_indexdef" -> c.operandCount() == 1 || c.operandCount() >= 2 && isZero(c.operand(1))
                            ? template(definition(++definitions[0]), c.getOperandList()) : nullText();
                    case "pg_get_constraintdef" -> template(definition(++definitions[0]), c.getOperandList());
                    case "pg_table_size", "pg_relation_size", "pg_total_relation_size" -> template(relationSize("bytes", ++definitions[0]),
                            c.getOperandList());
                    case "pg_database_size" -> template(relationSize("bytes", ++definitions[0]), sizeOperand(c));
                    case "pg_size_pretty" -> c.operandCount() == 1 ? template(SIZE_PRETTY, c.getOperandList()) : visited;
                    // set_config(name, value, is_local) gives the value; like SET, it changes nothing on the read-only copy
                    case "set_config" -> c.operandCount() == 3 ? SqlStdOperatorTable.CAST.createCall(POS, c.operand(1),
                            new SqlDataTypeSpec(new org.apache.calcite.sql.SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, POS), POS)) : visited;
                    default -> visited;
                };
            }
        });
    }

    /**
     * A select list's {@code x::regclass} (or regtype, regnamespace, regproc) of the outermost query prints as the
     * object's name, as PostgreSQL prints it; elsewhere such a cast stays the OID, which comparisons and joins use.
     */
    private static SqlNode printObjectNames(SqlNode query, int[] aliases) {
        SqlNode body = query instanceof org.apache.calcite.sql.SqlOrderBy o ? o.query : query;
        if (!(body instanceof org.apache.calcite.sql.SqlSelect select)) {
            return query;
        }
        org.apache.calcite.sql.SqlNodeList items = select.getSelectList();
        for (int i = 0; i < items.size(); i++) {
            SqlNode item = items.get(i);
            SqlNode expr = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
            SqlNode name = expr instanceof SqlCall cast ? objectNameLookup(cast, ++aliases[0]) : null;
            if (name == null) {
                continue;
            }
            SqlCall cast = (SqlCall) expr;
            // the column keeps the name PostgreSQL gives it: the alias, else the operand's column name, else the type's
            String columnName = item.getKind() == SqlKind.AS ? ((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple()
                    : cast.operand(0) instanceof SqlIdentifier id ? id.names.get(id.names.size() - 1) : regType(cast);
            items.set(i, SqlStdOperatorTable.AS.createCall(POS, name, new SqlIdentifier(columnName, POS)));
            if (query instanceof org.apache.calcite.sql.SqlOrderBy o && !select.isDistinct()) {
                sortByOid(o.orderList, i + 1, columnName, cast);
            }
        }
        return query;
    }

    /** PostgreSQL sorts a regclass by its OID: an ORDER BY naming the printed column (by position or name) sorts by the cast. */
    private static void sortByOid(org.apache.calcite.sql.SqlNodeList orderList, int position, String columnName, SqlCall cast) {
        for (int k = 0; k < orderList.size(); k++) {
            SqlNode item = orderList.get(k);
            SqlCall wrapper = null;
            SqlNode inner = item;
            while (inner instanceof SqlCall c && (c.getKind() == SqlKind.DESCENDING || c.getKind() == SqlKind.NULLS_FIRST
                    || c.getKind() == SqlKind.NULLS_LAST)) {
                wrapper = c;
                inner = c.operand(0);
            }
            boolean byPosition = inner instanceof SqlLiteral lit && lit.getTypeName() == SqlTypeName.DECIMAL && lit.intValue(true) == position;
            boolean byName = inner instanceof SqlIdentifier id && id.isSimple() && id.getSimple().equalsIgnoreCase(columnName);
            if (byPosition || byName) {
                SqlNode byOid = cast.clone(cast.getParserPosition());
                if (wrapper == null) {
                    orderList.set(k, byOid);
                } else {
                    wrapper.setOperand(0, byOid);
                }
            }
        }
    }

    /** The object-name lookup of {@code CAST(x AS regclass|regtype|regnamespace|regproc)}; null for any other call. */
    private static SqlNode objectNameLookup(SqlCall cast, int alias) {
        if (cast.getKind() != SqlKind.CAST) {
            return null;
        }
        String type = regType(cast);
        String table = switch (type == null ? "" : type) {
            case "regclass" -> PgCatalog.REGCLASS_NAMES + " n# WHERE n#.oid = __t";
            case "regtype" -> PgCatalog.REGTYPE_NAMES + " n# WHERE n#.oid = __t";
            case "regnamespace" -> "pg_namespace n# WHERE n#.oid = __t";
            case "regproc" -> "pg_proc n# WHERE n#.oid = __t";
            default -> null;
        };
        if (table == null) {
            return null;
        }
        String column = switch (type) {
            case "regnamespace" -> "nspname";
            case "regproc" -> "proname";
            default -> "name";
        };
        // an OID no object has prints as the number, as in PostgreSQL; NULLIF keeps the fallback nullable, as the
        // subquery is, or Calcite's conversion of COALESCE changes the column's type
        String sql = "COALESCE((SELECT n#." + column + " FROM pg_catalog." + table + "), NULLIF(CAST(CAST(__t AS BIGINT) AS VARCHAR), ''))";
        return template(sql.replace("n#", "rn" + alias), List.of(cast));
    }

    private static String regType(SqlCall cast) {
        if (!(cast.operand(1) instanceof SqlDataTypeSpec spec)) {
            return null;
        }
        List<String> names = spec.getTypeName().names;
        String type = names.get(names.size() - 1).toLowerCase(Locale.ROOT);
        return type.startsWith("reg") ? type : null;
    }

    private static boolean isText(SqlDataTypeSpec spec) {
        List<String> names = spec.getTypeName().names;
        String type = names.get(names.size() - 1).toLowerCase(Locale.ROOT);
        return Set.of("text", "varchar", "name", "character varying").contains(type);
    }

    /** The OID a size function asks about: the database's row for pg_database_size (by name or OID; Rhei has one). */
    private static List<SqlNode> sizeOperand(SqlCall sizeCall) {
        return "pg_database_size".equals(functionName(sizeCall))
                ? List.of(SqlLiteral.createExactNumeric(Long.toString(PgCatalog.DATABASE_OID), POS)) : sizeCall.getOperandList();
    }

    private static String functionName(SqlCall c) {
        if (c.getKind() != SqlKind.OTHER_FUNCTION || c.getOperator().getNameAsId() == null) {
            return null;
        }
        List<String> names = c.getOperator().getNameAsId().names;
        return names.get(names.size() - 1).toLowerCase(Locale.ROOT);
    }

    /** A literal 0 (the column argument of pg_get_indexdef that asks for the whole definition). */
    static boolean isZero(SqlNode n) {
        return n instanceof SqlLiteral lit && lit.getTypeName() == SqlTypeName.DECIMAL && lit.intValue(true) == 0;
    }

    private static SqlNode nullText() {
        return SqlStdOperatorTable.CAST.createCall(POS, SqlLiteral.createNull(POS),
                new SqlDataTypeSpec(new org.apache.calcite.sql.SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, POS), POS));
    }

    /** {@code 'orders'::regclass}: the OID of the table, unqualified names as PostgreSQL's search path finds them. */
    static long regclass(String name) {
        String n = name.strip();
        String[] parts = n.split("\\.", 2);
        TableId id;
        if (parts.length == 2) {
            id = TableId.of(unquote(parts[0]), unquote(parts[1]));
        } else {
            String t = unquote(parts[0]);
            id = PgCatalog.SYSTEM_TABLE_OIDS.containsKey(t) ? TableId.of("pg_catalog", t) : TableId.of("public", t);
        }
        return PgCatalog.tableOid(id);
    }

    /** PostgreSQL's OIDs of the input functions clients compare {@code pg_type.typinput} with. */
    private static final java.util.Map<String, Long> INPUT_FUNCTIONS = java.util.Map.of("array_in", 750L, "record_in", 2290L,
            "enum_in", 3504L, "domain_in", 2597L, "range_in", 3834L);

    /** {@code 'array_in'::regproc}: the function's OID (Rhei knows the input functions clients test types with). */
    static long regproc(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        Long oid = INPUT_FUNCTIONS.get(n.startsWith("pg_catalog.") ? n.substring("pg_catalog.".length()) : n);
        if (oid == null) {
            throw new IllegalArgumentException("function \"" + name + "\" does not exist");
        }
        return oid;
    }

    static long regtype(String name) {
        String t = unquote(name.strip());
        for (PgCatalog.PgType p : PgCatalog.TYPES) {
            if (p.name().equals(t)) {
                return p.oid();
            }
        }
        throw new IllegalArgumentException("type \"" + name + "\" does not exist");
    }

    private static String unquote(String s) {
        return s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s.toLowerCase(Locale.ROOT);
    }

    /** Parses {@code sql} (an expression over {@code __t}, {@code __m}) and puts the call's arguments in their place. */
    private static SqlNode template(String sql, List<SqlNode> args) {
        SqlNode expr;
        try {
            expr = SqlParser.create(sql, PostgresDialect.parserConfig()).parseExpression();
        } catch (SqlParseException e) {
            throw new IllegalStateException("catalog function template does not parse: " + e.getMessage(), e);
        }
        return expr.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlIdentifier id) {
                if (id.isSimple() && id.getSimple().equals("__t")) {
                    return args.get(0).clone(args.get(0).getParserPosition());
                }
                if (id.isSimple() && id.getSimple().equals("__m")) {
                    return args.get(1).clone(args.get(1).getParserPosition());
                }
                return id;
            }
        });
    }
}
