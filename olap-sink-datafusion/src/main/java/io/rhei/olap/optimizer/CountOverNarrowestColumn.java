package io.rhei.olap.optimizer;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.tools.RelBuilder;

import java.util.List;

/**
 * An aggregation that reads no column of the table it counts ({@code SELECT count(*) FROM t}) gets a projection of
 * the table's narrowest column under it. The field trimmer cannot trim a scan to no columns, so the scan read every
 * column of the table (105 for ClickBench's hits: 286 ms in memory, 1.3 s from files, for 2M rows) to count rows.
 */
final class CountOverNarrowestColumn {
    private CountOverNarrowestColumn() {
    }

    static RelNode rewrite(RelNode rel, RelBuilder relBuilder) {
        return rel.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalAggregate aggregate) {
                RelNode visited = super.visit(aggregate);
                if (!(visited instanceof Aggregate a) || !(a.getInput() instanceof TableScan scan) || !readsNoColumn(a)
                        || scan.getRowType().getFieldCount() <= 1) {
                    return visited;
                }
                RelNode narrow = relBuilder.push(scan).project(relBuilder.field(narrowest(scan.getRowType().getFieldList()))).build();
                return a.copy(a.getTraitSet(), List.of(narrow));
            }
        });
    }

    private static boolean readsNoColumn(Aggregate a) {
        if (!a.getGroupSet().isEmpty()) {
            return false;
        }
        for (AggregateCall call : a.getAggCallList()) {
            if (!call.getArgList().isEmpty() || call.filterArg >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The column with the fewest bytes per value (fixed width before variable), the first of equals. */
    private static int narrowest(List<RelDataTypeField> fields) {
        int best = 0;
        int bestWidth = Integer.MAX_VALUE;
        for (RelDataTypeField f : fields) {
            int width = switch (f.getType().getSqlTypeName()) {
                case BOOLEAN, TINYINT -> 1;
                case SMALLINT -> 2;
                case INTEGER, DATE, REAL -> 4;
                case BIGINT, DOUBLE, TIMESTAMP, TIME -> 8;
                case DECIMAL -> 16;
                default -> 64;
            };
            if (width < bestWidth) {
                best = f.getIndex();
                bestWidth = width;
            }
        }
        return best;
    }
}
