package io.rhei.olap.sql;

import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlTrimFunction;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Result column names as PostgreSQL gives them to columns without an alias (its {@code FigureColname}): a column
 * keeps its name, a function call takes the function's ({@code count}, {@code sum}, {@code date_trunc}), a cast
 * its operand's or else the type's ({@code int4}), CASE is {@code case}, and any other expression
 * {@code ?column?}. Calcite would call them {@code EXPR$0}, which clients show to their users.
 */
final class PostgresColumnNames {
    static final String UNNAMED = "?column?";
    private static final Pattern CALCITE_GENERATED = Pattern.compile("EXPR\\$\\d+");

    private PostgresColumnNames() {
    }

    /**
     * The select list to name columns by: the query as parsed (Calcite's validator rewrites COALESCE and NULLIF
     * into CASE), or the validated one when a {@code *} has to be expanded first. Taken before validation.
     */
    static List<SqlNode> namingItems(SqlNode parsed) {
        List<SqlNode> items = selectItems(parsed);
        if (items == null) {
            return null;
        }
        for (SqlNode item : items) {
            if (item instanceof SqlIdentifier id && id.isStar()) {
                return null;
            }
        }
        return List.copyOf(items);
    }

    /**
     * {@code calciteNames} with each name Calcite generated replaced by PostgreSQL's, from {@code parsedItems}
     * ({@link #namingItems}) or else from the validated query.
     */
    static List<String> of(List<SqlNode> parsedItems, SqlNode validated, List<String> calciteNames) {
        List<SqlNode> items = parsedItems != null ? parsedItems : selectItems(validated);
        List<String> out = new ArrayList<>(calciteNames.size());
        for (int i = 0; i < calciteNames.size(); i++) {
            String name = calciteNames.get(i);
            if (items != null && items.size() == calciteNames.size()) {
                SqlNode item = items.get(i);
                if (item.getKind() == SqlKind.AS) {
                    String alias = ((SqlCall) item).operand(1).toString();
                    if (!CALCITE_GENERATED.matcher(alias).matches()) {
                        out.add(name);
                        continue;
                    }
                    item = ((SqlCall) item).operand(0);
                }
                if (CALCITE_GENERATED.matcher(name).matches()) {
                    name = figure(item);
                }
            } else if (CALCITE_GENERATED.matcher(name).matches()) {
                name = UNNAMED;
            }
            out.add(name);
        }
        return out;
    }

    /** The select list that names the result: of the query, of a set operation's first branch. */
    private static List<SqlNode> selectItems(SqlNode node) {
        if (node instanceof SqlOrderBy ob) {
            return selectItems(ob.query);
        }
        if (node instanceof SqlWith w) {
            return selectItems(w.body);
        }
        if (node instanceof SqlSelect s) {
            return s.getSelectList() == null ? null : s.getSelectList().getList();
        }
        if (node instanceof SqlCall c && (c.getKind() == SqlKind.UNION || c.getKind() == SqlKind.INTERSECT || c.getKind() == SqlKind.EXCEPT)) {
            return selectItems(c.operand(0));
        }
        if (node instanceof SqlCall c && c.getKind() == SqlKind.VALUES && c.operandCount() > 0
                && c.operand(0) instanceof SqlCall row && row.getKind() == SqlKind.ROW) {
            // PostgreSQL names the columns of VALUES column1, column2, ...
            List<SqlNode> names = new ArrayList<>();
            for (int i = 1; i <= row.operandCount(); i++) {
                names.add(org.apache.calcite.sql.SqlLiteral.createCharString("column" + i, SqlParserPos.ZERO));
            }
            return names;
        }
        return null;
    }

    static String figure(SqlNode node) {
        if (node instanceof SqlIdentifier id) {
            return id.isStar() ? UNNAMED : id.names.get(id.names.size() - 1);
        }
        if (node instanceof org.apache.calcite.sql.SqlCharStringLiteral named && named.getParserPosition() == SqlParserPos.ZERO) {
            return named.getValueAs(String.class); // a name set above (VALUES)
        }
        if (node instanceof SqlLiteral lit) {
            return switch (lit.getTypeName()) {
                case DATE -> "date";
                case TIMESTAMP -> "timestamp";
                case BOOLEAN -> "bool";
                default -> lit.getTypeName().getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_DAY_TIME
                        || lit.getTypeName().getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_YEAR_MONTH
                        ? "interval" : UNNAMED;
            };
        }
        if (node instanceof SqlCase) {
            return "case";
        }
        if (node instanceof SqlSelect sub) {
            List<SqlNode> items = sub.getSelectList().getList();
            if (items.size() == 1) {
                SqlNode item = items.get(0);
                return item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(1).toString() : figure(item);
            }
            return UNNAMED;
        }
        if (!(node instanceof SqlCall call)) {
            return UNNAMED;
        }
        switch (call.getKind()) {
            case CAST:
                return castName(call);
            case FILTER, WITHIN_GROUP, OVER, WITHIN_DISTINCT:
                return figure(call.operand(0));
            case EXISTS:
                return "exists";
            case COALESCE:
                return "coalesce";
            case NULLIF:
                return "nullif";
            case SCALAR_QUERY:
                return figure(call.operand(0));
            case TRIM: {
                Object flag = ((SqlLiteral) call.operand(0)).getValue();
                return flag == SqlTrimFunction.Flag.LEADING ? "ltrim" : flag == SqlTrimFunction.Flag.TRAILING ? "rtrim" : "btrim";
            }
            default:
                break;
        }
        if (call.getOperator() instanceof SqlFunction f && f.getSyntax() != org.apache.calcite.sql.SqlSyntax.BINARY
                && f.getSyntax() != org.apache.calcite.sql.SqlSyntax.PREFIX && f.getSyntax() != org.apache.calcite.sql.SqlSyntax.POSTFIX) {
            String n = f.getName().toLowerCase(Locale.ROOT);
            return n.equals("translate3") ? "translate" : n;
        }
        if (call.getOperator().getName().equalsIgnoreCase("::") && call.operandCount() == 2) {
            return castName(call);
        }
        if (call instanceof SqlBasicCall && call.getOperator().getKind() == SqlKind.OTHER_FUNCTION) {
            return call.getOperator().getName().toLowerCase(Locale.ROOT);
        }
        return UNNAMED;
    }

    private static boolean isCast(SqlNode n) {
        return n instanceof SqlCall c && (c.getKind() == SqlKind.CAST || c.getOperator().getName().equals("::"));
    }

    /**
     * A cast (CAST or {@code ::}) takes its operand's name, unless that name is weak: none, a constant's, CASE's or
     * an inner cast's type. Then the cast's own type names it (PostgreSQL's name strengths).
     */
    private static String castName(SqlCall cast) {
        return weakCast(cast) ? typeName(cast.operand(1)) : figure(cast.operand(0));
    }

    /** Whether a cast's name comes from its type rather than from a column or function inside it. */
    private static boolean weakCast(SqlCall cast) {
        SqlNode arg = cast.operand(0);
        String inner = figure(arg);
        return inner.equals(UNNAMED) || arg instanceof SqlLiteral || inner.equals("case") && arg instanceof SqlCase
                || isCast(arg) && weakCast((SqlCall) arg);
    }

    /** PostgreSQL's name of a cast's target type. */
    private static String typeName(SqlNode spec) {
        if (!(spec instanceof SqlDataTypeSpec t)) {
            return spec instanceof SqlNodeList ? UNNAMED : spec.toString().toLowerCase(Locale.ROOT);
        }
        String name = t.getTypeName().getSimple().toLowerCase(Locale.ROOT);
        SqlTypeName type = SqlTypeName.get(name.toUpperCase(Locale.ROOT));
        if (type == null) {
            return name;
        }
        return switch (type) {
            case INTEGER -> "int4";
            case BIGINT -> "int8";
            case SMALLINT -> "int2";
            case DOUBLE, FLOAT -> "float8";
            case REAL -> "float4";
            case DECIMAL -> "numeric";
            case BOOLEAN -> "bool";
            case CHAR -> "bpchar";
            case VARCHAR -> "varchar";
            case TIMESTAMP -> "timestamp";
            case DATE -> "date";
            default -> name;
        };
    }
}
