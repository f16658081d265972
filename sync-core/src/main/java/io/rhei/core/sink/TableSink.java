package io.rhei.core.sink;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;

import java.util.Optional;
import java.util.Set;

/**
 * Where synced tables are written: the role the sync engine drives, and its only writer. Querying is another role
 * ({@link io.rhei.core.query.QueryEngine}); an implementation takes one role or both.
 *
 * <p><b>Idempotency without transactions.</b> Each table stores the last log sequence it has applied
 * ({@link #appliedSeq}), atomically with its data: {@link #apply} is all-or-nothing and moves the applied
 * sequence with the data. A batch at or below the applied sequence is ignored, so replaying the log after a
 * crash neither loses nor duplicates rows. There is no atomicity across tables: a query may see table A newer
 * than table B by up to one batch.
 */
public interface TableSink extends io.rhei.core.schema.TableCatalog, AutoCloseable {

    /**
     * Creates the table, or evolves it to {@code schema} (by the rules of
     * {@link io.rhei.core.schema.SchemaEvolution}), or does nothing when the table is already at this version
     * or a newer one. The table's applied sequence becomes at least {@code seq}, the log sequence of the schema
     * change (every change before it has been applied when the engine calls this).
     *
     * @throws io.rhei.core.schema.SchemaException when the change breaks the evolution rules
     */
    void ensureTable(TableSchema schema, long seq);

    /** The table's current schema, if the table exists. */
    Optional<TableSchema> schema(TableId table);

    /** Every table this engine holds. */
    Set<TableId> tables();

    /**
     * Applies one table's coalesced batch, all or nothing, and moves the table's applied sequence to
     * {@code batch.lastSeq()} in the same step. Ignores a batch whose {@code lastSeq} is at or below the applied
     * sequence. The batch's rows are in the column order of {@code batch.schema()}, which is the table's current
     * schema.
     *
     * @throws IllegalStateException when the table does not exist
     * @throws io.rhei.core.RheiException with the table, key and column when a change cannot be applied
     *                                    (then nothing of the batch is applied)
     */
    void apply(TableChangeBatch batch);

    /** The last log sequence applied to {@code table}; 0 when nothing was, or the table does not exist. */
    long appliedSeq(TableId table);

    /** Rhei sinks make no cross-table transactions; the applied sequence is what makes replay safe. */
    default boolean supportsTransactions() {
        return false;
    }

    @Override
    void close();
}
