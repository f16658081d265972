package io.rhei.storage;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableChangeBatch;

import java.util.Optional;
import java.util.Set;

/**
 * Where table data lives: the write side the sync engine drives (same contract as
 * {@link io.rhei.core.sink.OlapEngine}'s table methods: all-or-nothing batches that move each table's applied
 * sequence with its data) and the read side queries use ({@link #snapshot}: a consistent view that later writes
 * and compaction never change).
 */
public interface TableStorage extends AutoCloseable {

    /** Creates or evolves a table; see {@link io.rhei.core.sink.OlapEngine#ensureTable}. */
    void ensureTable(TableSchema schema, long seq);

    Optional<TableSchema> schema(TableId table);

    Set<TableId> tables();

    /** Applies one table's coalesced batch atomically with its applied sequence; see {@link io.rhei.core.sink.OlapEngine#apply}. */
    void apply(TableChangeBatch batch);

    long appliedSeq(TableId table);

    /** The table as of its last commit; the caller closes it. */
    TableSnapshot snapshot(TableId table);

    @Override
    void close();
}
