package io.rhei.core.query;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Answers SQL over the synced tables: the role the query servers (Flight SQL, the PostgreSQL protocol) and the
 * embedding API depend on. Safe to call from many threads at once; each query reads each table as of one commit.
 */
public interface QueryEngine {

    /**
     * Runs {@code sql} and streams the result. Vectors are allocated from {@code allocator}; the caller owns the
     * reader and closes it.
     *
     * @throws io.rhei.core.RheiException with a one-line message when the query is refused or fails
     */
    ArrowReader query(String sql, BufferAllocator allocator);

    /** Plans {@code sql} without running it: the errors a query would raise before execution, and its result schema. */
    Schema resultSchema(String sql);

    /** The plan of {@code sql} as text: the optimised logical plan, then the physical plan the executor runs. */
    String explain(String sql);
}
