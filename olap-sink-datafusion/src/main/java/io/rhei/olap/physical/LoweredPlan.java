package io.rhei.olap.physical;

import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.comet.serde.OperatorOuterClass.Operator;

import java.util.List;

/**
 * A query lowered to a native plan: the operator tree, its scans in feeding order, the result's names and schema,
 * and the optimised logical plan it was lowered from, as text (for {@code explain}).
 */
public record LoweredPlan(String sql, Operator plan, List<ScanInput> scans, List<String> columnNames, Schema plannedSchema,
                          java.util.function.Supplier<String> logicalPlanText) {

    /** The optimised logical plan as text: written when asked for ({@code explain}), not for every plan made. */
    public String logicalPlan() {
        return logicalPlanText.get();
    }
}
