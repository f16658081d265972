package io.rhei.olap.sql;

import io.rhei.olap.catalog.PgCatalog;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pg_get_indexdef(i.indexrelid)} and {@code pg_get_constraintdef(con.oid)} over a {@code pg_index} or
 * {@code pg_constraint} of the same select read that row's definition column ({@link PgCatalog#DEFINITION_COLUMN}).
 * A scalar subquery would do too, but psql's {@code \d} calls both in one select list, correlated to two tables of
 * its FROM, which Calcite's conversion does not support. Other calls are left to {@link CatalogFunctions}.
 */
final class CatalogDefinitions {
    private CatalogDefinitions() {
    }

    static SqlNode rewrite(SqlNode parsed) {
        return parsed.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                if (call instanceof SqlSelect select) {
                    Map<String, String> tables = new HashMap<>();
                    aliases(select.getFrom(), tables);
                    if (tables.containsValue("pg_index") || tables.containsValue("pg_constraint")) {
                        rewriteCalls(select, tables);
                    }
                }
                return super.visit(call);
            }
        });
    }

    /** Binds each alias (or table name) in {@code from} to its pg_catalog table name. */
    private static void aliases(SqlNode from, Map<String, String> out) {
        if (from == null) {
            return;
        }
        if (from instanceof SqlJoin join) {
            aliases(join.getLeft(), out);
            aliases(join.getRight(), out);
        } else if (from.getKind() == SqlKind.AS && ((SqlCall) from).operand(0) instanceof SqlIdentifier table) {
            out.put(((SqlIdentifier) ((SqlCall) from).operand(1)).getSimple().toLowerCase(Locale.ROOT), last(table));
        } else if (from instanceof SqlIdentifier table) {
            out.put(last(table), last(table));
        }
    }

    private static String last(SqlIdentifier id) {
        return id.names.get(id.names.size() - 1).toLowerCase(Locale.ROOT);
    }

    private static void rewriteCalls(SqlSelect select, Map<String, String> tables) {
        SqlShuttle calls = new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                if (call instanceof SqlSelect) {
                    return call; // a subquery has its own FROM
                }
                SqlNode visited = super.visit(call);
                if (visited instanceof SqlCall c && c.getKind() == SqlKind.OTHER_FUNCTION && c.operandCount() >= 1
                        && c.getOperator().getNameAsId() != null && c.operand(0) instanceof SqlIdentifier arg) {
                    String name = last(c.getOperator().getNameAsId());
                    SqlNode column = switch (name) {
                        case "pg_get_indexdef" -> c.operandCount() == 1 || CatalogFunctions.isZero(c.operand(1)) ? column(arg, "indexrelid", "pg_index", tables) : null;
                        case "pg_get_constraintdef" -> column(arg, "oid", "pg_constraint", tables);
                        default -> null;
                    };
                    return column != null ? column : visited;
                }
                return visited;
            }
        };
        select.setSelectList((org.apache.calcite.sql.SqlNodeList) select.getSelectList().accept(calls));
        if (select.getWhere() != null) {
            select.setWhere(select.getWhere().accept(calls));
        }
    }

    /** {@code alias.idColumn} of a {@code table} in FROM (or {@code idColumn} when it is the only table) as its definition column. */
    private static SqlNode column(SqlIdentifier arg, String idColumn, String table, Map<String, String> tables) {
        List<String> names = arg.names;
        String col = names.get(names.size() - 1).toLowerCase(Locale.ROOT);
        if (!col.equals(idColumn)) {
            return null;
        }
        if (names.size() == 2 && table.equals(tables.get(names.get(0).toLowerCase(Locale.ROOT)))) {
            return new SqlIdentifier(List.of(names.get(0), PgCatalog.DEFINITION_COLUMN), SqlParserPos.ZERO);
        }
        if (names.size() == 1 && tables.size() == 1 && tables.containsValue(table)) {
            return new SqlIdentifier(PgCatalog.DEFINITION_COLUMN, SqlParserPos.ZERO);
        }
        return null;
    }
}
