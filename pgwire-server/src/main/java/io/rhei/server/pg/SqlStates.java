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

    private SqlStates() {
    }

    static String of(Throwable e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
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
