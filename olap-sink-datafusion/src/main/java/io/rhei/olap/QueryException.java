package io.rhei.olap;

import io.rhei.core.RheiException;

/** A query that could not be planned or run; carries the SQL and, for native failures, DataFusion's message. */
public class QueryException extends RheiException {
    private final String sql;

    public QueryException(String sql, String message, Throwable cause) {
        super(message + " [query: " + abbreviate(sql) + "]", cause);
        this.sql = sql;
    }

    public QueryException(String sql, String message) {
        this(sql, message, null);
    }

    public String sql() {
        return sql;
    }

    private static String abbreviate(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
