package io.rhei.storage;

import io.rhei.core.model.TableId;
import io.rhei.core.sink.TableSink;

/**
 * Where table data lives: the write side the sync engine drives ({@link TableSink}: all-or-nothing batches that move
 * each table's applied sequence with its data) and the read side queries use ({@link #snapshot}: a consistent view
 * that later writes and compaction never change).
 */
public interface TableStorage extends TableSink {

    /** The table as of its last commit; the caller closes it. */
    TableSnapshot snapshot(TableId table);

    /** The allocator table data lives in: what a storage kept beside this one allocates from (a child of it). */
    org.apache.arrow.memory.BufferAllocator allocator();
}
