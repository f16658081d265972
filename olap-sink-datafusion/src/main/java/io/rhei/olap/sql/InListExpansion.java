package io.rhei.olap.sql;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * {@code x IN (DATE '2020-02-29', DATE '2021-06-01')} as {@code x = ... OR x = ...} (NOT IN as {@code <> ... AND}),
 * for lists that hold anything but number and string constants: Calcite's conversion of such a list inside a GROUP BY
 * expression failed ({@code NullPointerException: subQuery}). The same three-valued logic: a NULL in the list or on
 * the left gives NULL in both forms. Short lists only; the optimizer turns the OR back into one search.
 */
final class InListExpansion {
    private static final int MAX_ITEMS = 20;

    private InListExpansion() {
    }

    static SqlNode rewrite(SqlNode parsed) {
        return parsed.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                SqlNode visited = super.visit(call);
                if (!(visited instanceof SqlCall c) || (c.getKind() != SqlKind.IN && c.getKind() != SqlKind.NOT_IN)
                        || !(c.operand(1) instanceof SqlNodeList list) || list.size() == 0 || list.size() > MAX_ITEMS
                        || list.getList().stream().allMatch(n -> n instanceof SqlNumericLiteral || n instanceof SqlCharStringLiteral)) {
                    return visited;
                }
                boolean negated = c.getKind() == SqlKind.NOT_IN;
                SqlNode out = null;
                for (SqlNode item : list) {
                    SqlNode left = c.operand(0).clone(c.operand(0).getParserPosition());
                    SqlNode test = (negated ? SqlStdOperatorTable.NOT_EQUALS : SqlStdOperatorTable.EQUALS).createCall(SqlParserPos.ZERO, left, item);
                    out = out == null ? test : (negated ? SqlStdOperatorTable.AND : SqlStdOperatorTable.OR).createCall(SqlParserPos.ZERO, out, test);
                }
                return out;
            }
        });
    }
}
