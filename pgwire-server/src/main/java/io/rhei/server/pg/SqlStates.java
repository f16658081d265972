package io.rhei.server.pg;

/** The SQLSTATE an ErrorResponse carries for a failed statement, from what the engine said. */
final class SqlStates {
    static final String SYNTAX_ERROR = "42601";
    static final String UNDEFINED_TABLE = "42P01";
    static final String UNDEFINED_COLUMN = "42703";
    static final String FEATURE_NOT_SUPPORTED = "0A000";
    static final String READ_ONLY_SQL_TRANSACTION = "25006";
    static final String DIVISION_BY_ZERO = "22012";
    static final String PROTOCOL_VIOLATION = "08P01";
    static final String INVALID_PASSWORD = "28P01";
    static final String INTERNAL_ERROR = "XX000";
    static final String INVALID_TEXT_REPRESENTATION = "22P02";
    static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
    static final String INVALID_BINARY_REPRESENTATION = "22P03";
    static final String IN_FAILED_TRANSACTION = "25P02";
    static final String INVALID_STATEMENT_NAME = "26000";
    static final String INVALID_CURSOR_NAME = "34000";
    static final String DUPLICATE_PREPARED_STATEMENT = "42P05";
    static final String DUPLICATE_CURSOR = "42P03";
    static final String QUERY_CANCELED = "57014";
    static final String OUT_OF_MEMORY = "53200";
    static final String INVALID_PARAMETER_VALUE = "22023";
    static final String CARDINALITY_VIOLATION = "21000";

    private SqlStates() {
    }

    static String of(Throwable e) {
        if (e instanceof ExtendedQueryProtocol.ProtocolError p) {
            return p.sqlState;
        }
        if (e instanceof ResultStream.Cancelled) {
            return QUERY_CANCELED;
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("more than one row returned by a subquery")) {
            return CARDINALITY_VIOLATION;
        }
        if (m.startsWith("invalid input syntax for type") || m.contains("invalid input syntax:")) {
            return INVALID_TEXT_REPRESENTATION;
        }
        if (m.contains("is out of range for type") || m.contains("numeric field overflow")) {
            return NUMERIC_VALUE_OUT_OF_RANGE;
        }
        if (m.contains("memory limit") || m.contains("out of memory") || m.contains("resources exhausted")) {
            return OUT_OF_MEMORY;
        }
        if (e.getClass().getSimpleName().equals("UnsupportedSqlException") || m.startsWith("not supported yet")) {
            return FEATURE_NOT_SUPPORTED;
        }
        if (m.contains("read-only")) {
            return READ_ONLY_SQL_TRANSACTION;
        }
        if (m.contains("syntax error") || m.contains("encountered")) {
            return SYNTAX_ERROR;
        }
        if (m.contains("object '") && m.contains("not found") || m.contains("table '") && m.contains("not found")) {
            return UNDEFINED_TABLE;
        }
        if (m.contains("column '") && m.contains("not found")) {
            return UNDEFINED_COLUMN;
        }
        if (m.contains("division by zero")) {
            return DIVISION_BY_ZERO;
        }
        return INTERNAL_ERROR;
    }
}
