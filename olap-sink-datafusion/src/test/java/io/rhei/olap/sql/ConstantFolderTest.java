package io.rhei.olap.sql;

import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.DateString;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConstantFolderTest {
    private final RexBuilder rex = new RexBuilder(new JavaTypeFactoryImpl(RheiTypeSystem.INSTANCE));

    private RexNode reduce(RexNode e) {
        List<RexNode> out = new ArrayList<>();
        ConstantFolder.INSTANCE.reduce(rex, List.of(e), out);
        return out.get(0);
    }

    private RexLiteral date(String d) {
        return rex.makeDateLiteral(new DateString(d));
    }

    private RexLiteral interval(long value, TimeUnit unit) {
        SqlIntervalQualifier q = new SqlIntervalQualifier(unit, null, SqlParserPos.ZERO);
        long scaled = switch (unit) {
            case YEAR -> value * 12;
            case MONTH -> value;
            default -> value * 86_400_000L;
        };
        return rex.makeIntervalLiteral(BigDecimal.valueOf(scaled), q);
    }

    @Test
    void dateAndIntervalArithmeticAsPostgresDoesIt() {
        assertEquals(date("1995-01-01"), reduce(rex.makeCall(SqlStdOperatorTable.DATETIME_PLUS, date("1994-01-01"), interval(1, TimeUnit.YEAR))));
        assertEquals(date("1993-10-01"), reduce(rex.makeCall(SqlStdOperatorTable.DATETIME_PLUS, date("1993-07-01"), interval(3, TimeUnit.MONTH))));
        // month ends are clamped, as in PostgreSQL: 2024-01-31 + 1 month = 2024-02-29
        assertEquals(date("2024-02-29"), reduce(rex.makeCall(SqlStdOperatorTable.DATETIME_PLUS, date("2024-01-31"), interval(1, TimeUnit.MONTH))));
        assertEquals(date("1998-09-02"), reduce(rex.makeCall(rex.getTypeFactory().createSqlType(org.apache.calcite.sql.type.SqlTypeName.DATE), SqlStdOperatorTable.MINUS, List.of(date("1998-12-01"), interval(90, TimeUnit.DAY)))));
    }

    @Test
    void exactDecimalArithmeticKeepsItsScaleAndOtherExpressionsGoToCalcitesExecutor() {
        RexNode a = rex.makeExactLiteral(new BigDecimal("0.06"));
        RexNode b = rex.makeExactLiteral(new BigDecimal("0.01"));
        RexLiteral minus = (RexLiteral) reduce(rex.makeCall(SqlStdOperatorTable.MINUS, a, b));
        assertEquals(new BigDecimal("0.05"), minus.getValueAs(BigDecimal.class));
        RexLiteral times = (RexLiteral) reduce(rex.makeCall(SqlStdOperatorTable.MULTIPLY, rex.makeExactLiteral(new BigDecimal("1.5")), b));
        assertEquals(new BigDecimal("0.015"), times.getValueAs(BigDecimal.class));
        // not folded here (a string function): Calcite's compiled executor gives the answer
        RexLiteral upper = (RexLiteral) reduce(rex.makeCall(SqlStdOperatorTable.UPPER, rex.makeLiteral("abc")));
        assertEquals("ABC", upper.getValueAs(String.class));
    }
}
