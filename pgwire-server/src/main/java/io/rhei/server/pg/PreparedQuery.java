package io.rhei.server.pg;

import io.rhei.core.schema.ColumnType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * A statement prepared by Parse: its SQL, the OID and type of each parameter (as the client declared it, or as
 * the engine inferred it), the types the client declared (null where it left them open), and the result schema.
 * A session statement (SET, BEGIN...) carries its command tag instead; an empty query carries neither.
 */
record PreparedQuery(String sql, String sessionTag, int[] parameterOids, List<ColumnType> parameterTypes,
                     List<ColumnType> declaredTypes, Schema resultSchema) {

    static PreparedQuery empty() {
        return new PreparedQuery("", null, new int[0], List.of(), List.of(), null);
    }

    static PreparedQuery session(String sql, String tag) {
        return new PreparedQuery(sql, tag, new int[0], List.of(), List.of(), null);
    }

    boolean isEmpty() {
        return sessionTag == null && resultSchema == null;
    }

    boolean returnsRows() {
        return resultSchema != null;
    }
}
