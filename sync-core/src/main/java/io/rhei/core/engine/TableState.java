package io.rhei.core.engine;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;

/** What the engine knows of one table: its schema, what the sink applied, what is pending, whether it is paused. */
final class TableState {
    final TableId table;
    TableSchema schema;
    long appliedSeq;
    TableBatchBuilder pending;
    String pausedReason;
    /** The newest schema version seen while paused: a TRUNCATE in it (a resync) resumes the table. */
    TableSchema heldSchema;

    TableState(TableId table, TableSchema schema, long appliedSeq) {
        this.table = table;
        this.schema = schema;
        this.appliedSeq = appliedSeq;
    }

    boolean paused() {
        return pausedReason != null;
    }

    TableBatchBuilder pending() {
        if (pending == null) {
            pending = new TableBatchBuilder(schema);
        }
        return pending;
    }
}
