package io.rhei.olap.sql;

import io.rhei.olap.catalog.PgCatalog;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code information_schema._pg_expandarray(i.indkey)}, the set-returning function pgjdbc's {@code getPrimaryKeys}
 * and BI tools put in a select list to list an index's key columns: a row per key column, a composite of the
 * column's number {@code x} and its position {@code n}. The select list's query is joined with Rhei's table of index
 * keys ({@link PgCatalog#INDEX_KEYS}) on the index, so each row of {@code pg_index} becomes one row per key column;
 * {@code (_pg_expandarray(..)).x} and {@code .n} become that table's columns, and a composite selected whole
 * ({@code ... AS keys}) becomes two columns that an outer {@code (q.keys).x} and {@code (q.keys).n} read. Only
 * {@code pg_index.indkey} is expanded (the one array Rhei's catalog has); any other argument is refused by name.
 */
final class IndexKeyExpansion {
    private static final SqlParserPos POS = SqlParserPos.ZERO;
    private static final String FUNCTION = "_pg_expandarray";

    private IndexKeyExpansion() {
    }

    static SqlNode rewrite(SqlNode query) {
        Set<String> composites = new HashSet<>();
        SqlNode expanded = query.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                SqlNode visited = super.visit(call);
                if (visited instanceof SqlSelect select) {
                    expand(select, composites);
                }
                return visited;
            }
        });
        if (composites.isEmpty()) {
            return expanded;
        }
        return expanded.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                SqlNode visited = super.visit(call);
                if (visited instanceof SqlCall dot && dot.getKind() == SqlKind.DOT && dot.operand(0) instanceof SqlIdentifier composite
                        && dot.operand(1) instanceof SqlIdentifier field && composites.contains(last(composite))) {
                    List<String> names = new ArrayList<>(composite.names);
                    String f = last(field);
                    if (f.equals("n")) {
                        names.set(names.size() - 1, positionColumn(last(composite)));
                    } else if (!f.equals("x")) {
                        throw new IllegalArgumentException("_pg_expandarray's result has fields x and n, not " + f);
                    }
                    return new SqlIdentifier(names, POS);
                }
                return visited;
            }
        });
    }

    private static void expand(SqlSelect select, Set<String> composites) {
        List<String> aliases = new ArrayList<>();
        SqlNodeList items = new SqlNodeList(POS);
        for (SqlNode item : select.getSelectList()) {
            if (item.getKind() == SqlKind.AS && isExpansion(((SqlCall) item).operand(0))) {
                SqlCall as = (SqlCall) item;
                String index = indexAlias(((SqlCall) as.operand(0)).operand(0), aliases);
                String name = last((SqlIdentifier) as.operand(1));
                composites.add(name);
                items.add(as(column(index, "x"), name));
                items.add(as(column(index, "n"), positionColumn(name)));
                continue;
            }
            items.add(item.accept(new SqlShuttle() {
                @Override
                public SqlNode visit(SqlCall call) {
                    if (call.getKind() == SqlKind.DOT && isExpansion(call.operand(0)) && call.operand(1) instanceof SqlIdentifier field) {
                        String index = indexAlias(((SqlCall) call.operand(0)).operand(0), aliases);
                        return column(index, last(field));
                    }
                    if (isExpansion(call)) {
                        throw new io.rhei.olap.UnsupportedSqlException(call.toString(),
                                "_pg_expandarray other than as a select item or its .x and .n fields");
                    }
                    return super.visit(call);
                }
            }));
        }
        if (aliases.isEmpty()) {
            return;
        }
        select.setSelectList(items);
        SqlNode from = select.getFrom();
        for (String index : aliases) {
            SqlNode keys = SqlStdOperatorTable.AS.createCall(POS, new SqlIdentifier(List.of("pg_catalog", PgCatalog.INDEX_KEYS), POS),
                    new SqlIdentifier(keysAlias(index), POS));
            SqlNode on = SqlStdOperatorTable.EQUALS.createCall(POS, new SqlIdentifier(List.of(keysAlias(index), "indexrelid"), POS),
                    new SqlIdentifier(List.of(index, "indexrelid"), POS));
            from = new SqlJoin(POS, from, SqlLiteral.createBoolean(false, POS), JoinType.INNER.symbol(POS), keys,
                    JoinConditionType.ON.symbol(POS), on);
        }
        select.setFrom(from);
    }

    private static boolean isExpansion(SqlNode node) {
        return node instanceof SqlCall c && c.getKind() == SqlKind.OTHER_FUNCTION && c.getOperator().getNameAsId() != null
                && last(c.getOperator().getNameAsId()).equals(FUNCTION) && c.operandCount() == 1;
    }

    /** The alias of the pg_index row whose {@code indkey} is expanded; recorded once per select. */
    private static String indexAlias(SqlNode argument, List<String> aliases) {
        if (!(argument instanceof SqlIdentifier id) || !last(id).equals("indkey") || id.names.size() != 2) {
            throw new io.rhei.olap.UnsupportedSqlException(String.valueOf(argument),
                    "_pg_expandarray of anything but an aliased pg_index.indkey (alias.indkey)");
        }
        String alias = id.names.get(0);
        if (!aliases.contains(alias)) {
            aliases.add(alias);
        }
        return alias;
    }

    private static SqlNode column(String index, String field) {
        return new SqlIdentifier(List.of(keysAlias(index), field), POS);
    }

    private static SqlNode as(SqlNode e, String name) {
        return SqlStdOperatorTable.AS.createCall(POS, e, new SqlIdentifier(name, POS));
    }

    private static String keysAlias(String index) {
        return "rhei_keys_" + index;
    }

    private static String positionColumn(String composite) {
        return composite + "$n";
    }

    private static String last(SqlIdentifier id) {
        return id.names.get(id.names.size() - 1).toLowerCase(Locale.ROOT);
    }
}
