package io.rhei.core.query;

import io.rhei.core.schema.ColumnType;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

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

    /**
     * Runs {@code sql} with parameter markers ({@code $1}, {@code $2}... as PostgreSQL writes them, or JDBC's
     * {@code ?} in order) bound to {@code values}: the first value to {@code $1}. A value is null, its type's Java
     * class ({@link ColumnType}'s table; any {@link Number} for numbers), or a String in PostgreSQL's text input
     * form, parsed for the parameter's type. {@code declaredTypes} are the types the client gave, null (or missing)
     * where the type is to be inferred; pass the same ones to {@link #describe}.
     *
     * @throws io.rhei.core.RheiException when a value does not fit its parameter's type, naming both
     */
    ArrowReader query(String sql, List<ColumnType> declaredTypes, List<?> values, BufferAllocator allocator);

    /** The parameter types and result schema of {@code sql}, planned without running it (see {@link #query(String, List, List, BufferAllocator)}). */
    QueryDescription describe(String sql, List<ColumnType> declaredTypes);

    /** Plans {@code sql} without running it: the errors a query would raise before execution, and its result schema. */
    Schema resultSchema(String sql);

    /** The tables queries can read, with their schemas: what catalog listings show. */
    io.rhei.core.schema.TableCatalog catalog();

    /** The plan of {@code sql} as text: the optimised logical plan, then the physical plan the executor runs. */
    String explain(String sql);
}
