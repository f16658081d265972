package io.rhei.olap.sql;

import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pg_catalog tables of features a read-only copy has none of ({@code PgCatalog.ALWAYS_EMPTY}: row security
 * policies, extended statistics, publications, inheritance, triggers, rules). psql's {@code \d} reads them with expressions Rhei
 * cannot plan ({@code array(select ...)}, {@code = any(array column)}, array subscripts), whose value does not
 * matter: a select that joins such a table (inner, or on the side whose rows are kept) has no rows. It becomes a
 * select of NULL text columns, under the same names, from that table; an ORDER BY over nothing but such selects
 * is dropped, and {@code ARRAY(such a select)} is the empty array. Selects with aggregates or GROUP BY are left alone (an aggregate over no rows is one row).
 */
final class EmptyCatalogTables {
    private static final Set<String> AGGREGATES = Set.of("count", "sum", "avg", "min", "max", "string_agg", "array_agg", "bool_and",
            "bool_or", "every", "json_agg", "jsonb_agg", "json_object_agg", "stddev", "variance", "listagg");
    private static final SqlParserPos POS = SqlParserPos.ZERO;

    private EmptyCatalogTables() {
    }

    static SqlNode rewrite(SqlNode parsed) {
        Map<SqlNode, Boolean> empty = new IdentityHashMap<>();
        return parsed.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                SqlNode visited = super.visit(call);
                if (visited instanceof SqlSelect select) {
                    SqlIdentifier table = emptyTable(select.getFrom());
                    if (table != null && select.getGroup() == null && select.getHaving() == null && !aggregates(select.getSelectList())) {
                        SqlSelect none = noRows(select, table);
                        empty.put(none, true);
                        return none;
                    }
                } else if (visited instanceof SqlCall array && array.getKind() == SqlKind.ARRAY_QUERY_CONSTRUCTOR
                        && empty.containsKey(array.operand(0))) {
                    // ARRAY(SELECT ... FROM an empty table) is the empty array; catalog arrays are text in Rhei
                    return SqlLiteral.createCharString("{}", POS);
                } else if (visited instanceof SqlOrderBy orderBy && empty.containsKey(orderBy.query)) {
                    return orderBy.query;
                } else if (visited instanceof SqlBasicCall set && (set.getKind() == SqlKind.UNION)
                        && set.getOperandList().stream().allMatch(empty::containsKey)) {
                    empty.put(set, true);
                }
                return visited;
            }
        });
    }

    /** The always-empty catalog table that makes {@code from} empty, or null. */
    private static SqlIdentifier emptyTable(SqlNode from) {
        if (from == null) {
            return null;
        }
        if (from.getKind() == SqlKind.AS) {
            return emptyTable(((SqlCall) from).operand(0));
        }
        if (from instanceof SqlIdentifier id) {
            String name = id.names.get(id.names.size() - 1).toLowerCase(Locale.ROOT);
            boolean catalog = id.names.size() == 1 || id.names.get(id.names.size() - 2).equalsIgnoreCase("pg_catalog");
            return catalog && io.rhei.olap.catalog.PgCatalog.ALWAYS_EMPTY.contains(name) ? id : null;
        }
        if (from instanceof SqlJoin join) {
            JoinType type = join.getJoinType();
            boolean inner = type == JoinType.INNER || type == JoinType.COMMA || type == JoinType.CROSS;
            SqlIdentifier left = inner || type == JoinType.LEFT ? emptyTable(join.getLeft()) : null;
            if (left != null) {
                return left;
            }
            return inner || type == JoinType.RIGHT ? emptyTable(join.getRight()) : null;
        }
        return null;
    }

    private static boolean aggregates(SqlNodeList items) {
        boolean[] found = {false};
        items.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call.getKind() == SqlKind.OVER) {
                    return null; // a window function over no rows: no rows
                }
                if (call.getKind() == SqlKind.SELECT) {
                    return null; // a scalar subquery's own aggregates
                }
                String name = call.getOperator().getName().toLowerCase(Locale.ROOT);
                if (call.getOperator() instanceof SqlAggFunction || AGGREGATES.contains(name)) {
                    found[0] = true;
                }
                return super.visit(call);
            }
        });
        return found[0];
    }

    private static SqlSelect noRows(SqlSelect select, SqlIdentifier table) {
        List<SqlNode> items = new ArrayList<>();
        int n = 0;
        for (SqlNode item : select.getSelectList()) {
            n++;
            SqlNode nullText = SqlStdOperatorTable.CAST.createCall(POS, SqlLiteral.createNull(POS),
                    new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, POS), POS));
            items.add(SqlStdOperatorTable.AS.createCall(POS, nullText, new SqlIdentifier(name(item, n), POS)));
        }
        return new SqlSelect(POS, null, new SqlNodeList(items, POS), table, null, null, null, null, null, null, null, null);
    }

    /** The column's name as PostgreSQL gives it: the alias, the column, the function, or {@code ?column?}. */
    private static String name(SqlNode item, int position) {
        if (item.getKind() == SqlKind.AS) {
            return ((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple();
        }
        if (item instanceof SqlIdentifier id) {
            return id.isStar() ? "column" + position : id.names.get(id.names.size() - 1);
        }
        if (item instanceof SqlCall call && call.getKind() == SqlKind.OTHER_FUNCTION) {
            return call.getOperator().getName().toLowerCase(Locale.ROOT);
        }
        return "?column?";
    }
}
