package io.rhei.olap.physical;

import org.apache.comet.serde.OperatorOuterClass.CurrentRow;
import org.apache.comet.serde.OperatorOuterClass.Following;
import org.apache.comet.serde.OperatorOuterClass.LowerWindowFrameBound;
import org.apache.comet.serde.OperatorOuterClass.Preceding;
import org.apache.comet.serde.OperatorOuterClass.UnboundedFollowing;
import org.apache.comet.serde.OperatorOuterClass.UnboundedPreceding;
import org.apache.comet.serde.OperatorOuterClass.UpperWindowFrameBound;
import org.apache.comet.serde.OperatorOuterClass.WindowFrame;
import org.apache.comet.serde.OperatorOuterClass.WindowFrameType;

/**
 * ROWS frames the window functions built from aggregates need. The native frame's upper bound cannot precede the
 * current row, so LAG reads the first row of {@code k PRECEDING .. CURRENT ROW} and checks that the frame is full.
 */
final class WindowFrames {
    private WindowFrames() {
    }

    /** ROWS BETWEEN {@code preceding} PRECEDING (null: unbounded) AND {@code following} FOLLOWING (null: unbounded; 0: current row). */
    static WindowFrame rows(Long preceding, Long following) {
        LowerWindowFrameBound.Builder lower = LowerWindowFrameBound.newBuilder();
        if (preceding == null) {
            lower.setUnboundedPreceding(UnboundedPreceding.getDefaultInstance());
        } else if (preceding == 0) {
            lower.setCurrentRow(CurrentRow.getDefaultInstance());
        } else {
            lower.setPreceding(Preceding.newBuilder().setOffset(preceding));
        }
        UpperWindowFrameBound.Builder upper = UpperWindowFrameBound.newBuilder();
        if (following == null) {
            upper.setUnboundedFollowing(UnboundedFollowing.getDefaultInstance());
        } else if (following == 0) {
            upper.setCurrentRow(CurrentRow.getDefaultInstance());
        } else {
            upper.setFollowing(Following.newBuilder().setOffset(following));
        }
        return WindowFrame.newBuilder().setFrameType(WindowFrameType.Rows).setLowerBound(lower).setUpperBound(upper).build();
    }

    /** The whole partition. */
    static WindowFrame wholePartition() {
        return rows(null, null);
    }
}
