package io.rhei.olap.physical;

import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.comet.serde.OperatorOuterClass.Scan;

/** Changes to a lowered plan that can only be made once some of its inputs have run. */
public final class PlanPatches {
    private PlanPatches() {
    }

    /**
     * The plan with the column types of the {@code Scan} named {@code source} taken from {@code schema}: the types
     * the native plans that produced its input actually returned (they may differ from the planner's, e.g. in
     * decimal precision), which the scan must declare exactly.
     */
    public static Operator withScanSchema(Operator op, String source, Schema schema) {
        if (op.hasScan() && op.getScan().getSource().equals(source)) {
            Scan.Builder s = op.getScan().toBuilder().clearFields();
            for (Field f : schema.getFields()) {
                s.addFields(CometTypes.ofArrow(f.getType()));
            }
            return op.toBuilder().setScan(s).build();
        }
        if (op.getChildrenCount() == 0) {
            return op;
        }
        Operator.Builder b = op.toBuilder().clearChildren();
        for (Operator c : op.getChildrenList()) {
            b.addChildren(withScanSchema(c, source, schema));
        }
        return b.build();
    }
}
