package io.rhei.core.query;

import io.rhei.core.schema.ColumnType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * What a query with parameter markers needs and returns, known before it runs: the type of each parameter
 * ({@code $1} first; declared by the client or inferred from where the marker stands) and the result's schema.
 */
public record QueryDescription(List<ColumnType> parameterTypes, Schema resultSchema) {
    public QueryDescription {
        parameterTypes = List.copyOf(parameterTypes);
    }
}
