package io.rhei.olap.exec;

import org.apache.comet.serde.ExprOuterClass.AggExpr;
import org.apache.comet.serde.ExprOuterClass.BoundReference;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.ScalarFunc;
import org.apache.comet.serde.ExprOuterClass.Substring;
import org.apache.comet.serde.ExprOuterClass.Sum;
import org.apache.comet.serde.OperatorOuterClass.HashAggregate;
import org.apache.comet.serde.OperatorOuterClass.LowerWindowFrameBound;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Preceding;
import org.apache.comet.serde.OperatorOuterClass.Projection;
import org.apache.comet.serde.OperatorOuterClass.Window;
import org.apache.comet.serde.OperatorOuterClass.WindowExpr;
import org.apache.comet.serde.OperatorOuterClass.WindowFrame;
import org.apache.comet.serde.OperatorOuterClass.WindowFrameType;
import org.apache.comet.serde.OperatorOuterClass.WindowSpecDefinition;
import org.apache.comet.serde.Types.DataType;
import org.apache.comet.serde.Types.DataType.DataTypeId;
import org.apache.comet.shaded.protobuf.UnknownFieldSet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rewrite of a plan for the 1.x native library; each rule changes what it names and nothing else. */
class NativePlanDialectTest {
    private static final DataType INT64 = DataType.newBuilder().setTypeId(DataTypeId.INT64).build();

    private static Expr column(int i) {
        return Expr.newBuilder().setBound(BoundReference.newBuilder().setIndex(i).setDatatype(INT64)).build();
    }

    @Test
    void aPlanWithNothingToRewriteIsReturnedAsItIs() {
        Operator plan = Operator.newBuilder().setProjection(Projection.newBuilder().addProjectList(column(0))).build();
        assertSame(plan, NativePlanDialect.v1().translate(plan));
    }

    @Test
    void sumsThatFailOnOverflowAskForTheAnsiEvalMode() throws Exception {
        Operator plan = Operator.newBuilder().setHashAgg(HashAggregate.newBuilder().addAggExprs(AggExpr.newBuilder()
                .setSum(Sum.newBuilder().setChild(column(0)).setDatatype(INT64).setFailOnError(true)))).build();
        Sum sum = NativePlanDialect.v1().translate(plan).getHashAgg().getAggExprs(0).getSum();
        assertFalse(sum.getFailOnError(), "the bool would read as TRY (1), which answers NULL on overflow");
        assertEquals(java.util.List.of(2L), sum.getUnknownFields().getField(3).getVarintList(), "eval_mode ANSI");
        // and on the wire, field 3 carries 2 once
        UnknownFieldSet wire = UnknownFieldSet.parseFrom(sum.toByteArray());
        assertEquals(java.util.List.of(2L), wire.getField(3).getVarintList());
    }

    @Test
    void substringAndCoalesceBecomeWhatTheNewReaderKnows() {
        Expr substring = Expr.newBuilder().setSubstring(Substring.newBuilder().setChild(column(0)).setStart(2).setLen(3)).build();
        Expr coalesce = Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("coalesce")
                .addArgs(column(0)).addArgs(column(1)).addArgs(column(2)).setReturnType(INT64)).build();
        Operator plan = Operator.newBuilder().setProjection(Projection.newBuilder().addProjectList(substring).addProjectList(coalesce)).build();
        Projection p = NativePlanDialect.v1().translate(plan).getProjection();

        ScalarFunc f = p.getProjectList(0).getScalarFunc();
        assertEquals("substring", f.getFunc());
        assertEquals(column(0), f.getArgs(0));
        assertEquals(2L, f.getArgs(1).getLiteral().getLongVal());
        assertEquals(3L, f.getArgs(2).getLiteral().getLongVal());

        Expr c = p.getProjectList(1);
        assertTrue(c.hasCaseWhen(), c.toString());
        assertEquals(2, c.getCaseWhen().getWhenCount());
        assertEquals(column(0), c.getCaseWhen().getWhen(0).getIsNotNull().getChild());
        assertEquals(column(1), c.getCaseWhen().getThen(1));
        assertEquals(column(2), c.getCaseWhen().getElseExpr());
    }

    @Test
    void aRowsFramesPrecedingOffsetIsSignedAndARangeFrameKeepsIt() {
        Operator rows = window(WindowFrameType.Rows, 3);
        Operator range = window(WindowFrameType.Range, 3);
        assertEquals(-3, frame(NativePlanDialect.v1().translate(rows)).getLowerBound().getPreceding().getOffset());
        assertEquals(3, frame(NativePlanDialect.v1().translate(range)).getLowerBound().getPreceding().getOffset());
    }

    private static Operator window(WindowFrameType type, long preceding) {
        WindowFrame frame = WindowFrame.newBuilder().setFrameType(type)
                .setLowerBound(LowerWindowFrameBound.newBuilder().setPreceding(Preceding.newBuilder().setOffset(preceding))).build();
        return Operator.newBuilder().setWindow(Window.newBuilder().addWindowExpr(WindowExpr.newBuilder()
                .setSpec(WindowSpecDefinition.newBuilder().setFrameSpecification(frame)))).build();
    }

    private static WindowFrame frame(Operator plan) {
        return plan.getWindow().getWindowExpr(0).getSpec().getFrameSpecification();
    }
}
