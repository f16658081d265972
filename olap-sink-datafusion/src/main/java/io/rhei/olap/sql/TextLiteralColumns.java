package io.rhei.olap.sql;

import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * A string constant that is a query's output column ({@code SELECT 'ab   '}, a VALUES row) is text in PostgreSQL:
 * its unknown type resolves to text there, and text keeps trailing blanks. Calcite types it CHAR(k), which Rhei reads
 * as PostgreSQL's blank-padded char(n) wherever it flows on (a UNION's branch, a subquery's column), dropping the
 * blanks ({@code 'ab   '} came back {@code 'ab'}). Such constants become {@code CAST(... AS VARCHAR)}: the same value,
 * typed as PostgreSQL types it. Column names are taken from the query before this rewrite.
 */
final class TextLiteralColumns {
    private static final SqlParserPos POS = SqlParserPos.ZERO;

    private TextLiteralColumns() {
    }

    static SqlNode rewrite(SqlNode parsed) {
        return parsed.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                SqlNode visited = super.visit(call);
                if (visited instanceof SqlSelect select) {
                    SqlNodeList items = select.getSelectList();
                    for (int i = 0; i < items.size(); i++) {
                        SqlNode item = items.get(i);
                        if (item instanceof SqlCharStringLiteral lit) {
                            items.set(i, asText(lit));
                        } else if (item.getKind() == SqlKind.AS && ((SqlCall) item).operand(0) instanceof SqlCharStringLiteral lit) {
                            ((SqlCall) item).setOperand(0, asText(lit));
                        }
                    }
                } else if (visited instanceof SqlCall values && values.getKind() == SqlKind.VALUES) {
                    for (SqlNode row : values.getOperandList()) {
                        if (row instanceof SqlCall r && r.getKind() == SqlKind.ROW) {
                            for (int i = 0; i < r.operandCount(); i++) {
                                if (r.operand(i) instanceof SqlCharStringLiteral lit) {
                                    r.setOperand(i, asText(lit));
                                }
                            }
                        }
                    }
                }
                return visited;
            }
        });
    }

    private static SqlNode asText(SqlCharStringLiteral literal) {
        return SqlStdOperatorTable.CAST.createCall(POS, literal, new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, POS), POS));
    }
}
