package io.rhei.olap.exec;

import org.apache.comet.NativeBase;
import org.apache.comet.serde.ExprOuterClass.Avg;
import org.apache.comet.serde.ExprOuterClass.CaseWhen;
import org.apache.comet.serde.ExprOuterClass.UnaryExpr;
import org.apache.comet.serde.Types.DataType;
import org.apache.comet.serde.Types.DataType.DataTypeId;
import org.apache.comet.serde.ExprOuterClass.Expr;
import org.apache.comet.serde.ExprOuterClass.ScalarFunc;
import org.apache.comet.serde.ExprOuterClass.Substring;
import org.apache.comet.serde.ExprOuterClass.Sum;
import org.apache.comet.serde.LiteralOuterClass.Literal;
import org.apache.comet.serde.OperatorOuterClass.LowerWindowFrameBound;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Preceding;
import org.apache.comet.serde.OperatorOuterClass.WindowFrame;
import org.apache.comet.serde.OperatorOuterClass.WindowFrameType;
import org.apache.comet.shaded.protobuf.Descriptors.FieldDescriptor;
import org.apache.comet.shaded.protobuf.Message;
import org.apache.comet.shaded.protobuf.UnknownFieldSet;

import java.util.List;
import java.util.Map;

/**
 * Rewrites a plan built against the 0.12 protobuf (the classes on Rhei's class path) into what the loaded library
 * reads. The 1.x protobuf keeps every field number Rhei uses, but changed what some of them mean:
 * <ul>
 *   <li>{@code Sum} and {@code Avg}: field {@code fail_on_error} (bool) became {@code eval_mode} (an enum where 1 is
 *       TRY, which turns an overflow into NULL); Rhei wants an error, which is ANSI (2);</li>
 *   <li>{@code Substring} (Expr field 20) is gone: substring is the scalar function {@code substring(str, pos, len)}
 *       with bigint positions;</li>
 *   <li>the scalar function {@code coalesce} is refused ("should have been simplified to case"): it becomes the
 *       CASE DataFusion's logical simplifier would have made of it;</li>
 *   <li>a ROWS frame's lower {@code Preceding} offset is signed (negative: preceding, positive: following) where
 *       0.12 took its absolute value;</li>
 *   <li>{@code Cast.allow_incompat} and {@code Scan.arrow_ffi_safe} are gone; the 1.x reader skips them.</li>
 * </ul>
 */
public final class NativePlanDialect {
    private static final int SUM_EVAL_MODE = 3;
    private static final int AVG_EVAL_MODE = 4;
    private static final long EVAL_MODE_ANSI = 2;

    private static final NativePlanDialect AS_BUILT = new NativePlanDialect(false);
    private static final NativePlanDialect V1 = new NativePlanDialect(true);

    private final boolean rewrite;

    private NativePlanDialect(boolean rewrite) {
        this.rewrite = rewrite;
    }

    public static NativePlanDialect forLoadedLibrary() {
        return NativeBase.abi() == NativeBase.Abi.ARROW_STREAM ? V1 : AS_BUILT;
    }

    /** The dialect of the 1.x library, whichever library is loaded (for tests of the rewrite itself). */
    static NativePlanDialect v1() {
        return V1;
    }

    public Operator translate(Operator plan) {
        return rewrite ? (Operator) rewrite(plan) : plan;
    }

    /** Rewrites children first; returns the same instance when nothing below changed. */
    private static Message rewrite(Message m) {
        Message.Builder b = null;
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (f.isRepeated()) {
                List<?> children = (List<?>) e.getValue();
                for (int i = 0; i < children.size(); i++) {
                    Message child = (Message) children.get(i);
                    Message changed = rewrite(child);
                    if (changed != child) {
                        b = b == null ? m.toBuilder() : b;
                        b.setRepeatedField(f, i, changed);
                    }
                }
            } else {
                Message child = (Message) e.getValue();
                Message changed = rewrite(child);
                if (changed != child) {
                    b = b == null ? m.toBuilder() : b;
                    b.setField(f, changed);
                }
            }
        }
        return renamed(b == null ? m : b.build());
    }

    private static Message renamed(Message m) {
        if (m instanceof Sum s && s.getFailOnError()) {
            return s.toBuilder().clearFailOnError().setUnknownFields(ansi(SUM_EVAL_MODE)).build();
        }
        if (m instanceof Avg a && a.getFailOnError()) {
            return a.toBuilder().clearFailOnError().setUnknownFields(ansi(AVG_EVAL_MODE)).build();
        }
        if (m instanceof WindowFrame w && w.getFrameType() == WindowFrameType.Rows && w.getLowerBound().hasPreceding()) {
            long offset = w.getLowerBound().getPreceding().getOffset();
            return w.toBuilder().setLowerBound(LowerWindowFrameBound.newBuilder()
                    .setPreceding(Preceding.newBuilder().setOffset(-Math.abs(offset)))).build();
        }
        if (m instanceof Expr e && e.hasScalarFunc() && e.getScalarFunc().getFunc().equals("coalesce")
                && e.getScalarFunc().getArgsCount() > 1) {
            return coalesceAsCase(e.getScalarFunc());
        }
        if (m instanceof Expr e && e.hasSubstring()) {
            Substring s = e.getSubstring();
            return Expr.newBuilder().setScalarFunc(ScalarFunc.newBuilder().setFunc("substring")
                    .addArgs(s.getChild()).addArgs(int64(s.getStart())).addArgs(int64(s.getLen()))
                    .setReturnType(DataType.newBuilder().setTypeId(DataTypeId.STRING))).build();
        }
        return m;
    }

    private static UnknownFieldSet ansi(int field) {
        return UnknownFieldSet.newBuilder()
                .addField(field, UnknownFieldSet.Field.newBuilder().addVarint(EVAL_MODE_ANSI).build()).build();
    }

    private static Expr int64(long value) {
        return Expr.newBuilder().setLiteral(Literal.newBuilder().setLongVal(value)
                .setDatatype(DataType.newBuilder().setTypeId(DataTypeId.INT64))).build();
    }

    /** {@code coalesce(a, b, c)} as {@code CASE WHEN a IS NOT NULL THEN a WHEN b IS NOT NULL THEN b ELSE c END}. */
    private static Expr coalesceAsCase(ScalarFunc f) {
        CaseWhen.Builder c = CaseWhen.newBuilder();
        List<Expr> args = f.getArgsList();
        for (int i = 0; i < args.size() - 1; i++) {
            c.addWhen(Expr.newBuilder().setIsNotNull(UnaryExpr.newBuilder().setChild(args.get(i)))).addThen(args.get(i));
        }
        return Expr.newBuilder().setCaseWhen(c.setElseExpr(args.get(args.size() - 1))).build();
    }
}
