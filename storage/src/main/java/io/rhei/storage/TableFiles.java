package io.rhei.storage;

import io.rhei.core.schema.TableSchema;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.List;

/**
 * Where one table's data files and commits go: memory ({@link MemoryTableFiles}) or a Vortex table directory
 * ({@link VortexTableFiles}). {@link MergeOnReadTable} decides what to write; this decides how it is kept.
 */
interface TableFiles extends AutoCloseable {

    /** Stores {@code rows} (taking ownership of the batch) as a new immutable file. */
    DataFile write(long fileId, TableSchema schema, VectorSchemaRoot rows);

    /**
     * Makes {@code commit} the table's state, durably where the mode is durable: after this returns a restart
     * opens exactly this state; if it throws, the previous state stays. Returns the segments as committed (with
     * where their deletion vectors were persisted).
     */
    List<Segment> commit(TableCommit commit);

    /** A compact description for logs and errors (never credentials). */
    String describe();

    @Override
    void close();

    /** A table state to publish: schema, applied sequence, the next free file id, and the live files. */
    record TableCommit(TableSchema schema, long appliedSeq, long nextFileId, List<Segment> segments) {
    }
}
