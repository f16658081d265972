package io.rhei.core.model;

/** Identifiers as PostgreSQL prints them (its quote_ident, keywords aside), for the statements and definitions Rhei shows. */
public final class SqlIdentifiers {
    private SqlIdentifiers() {
    }

    /** {@code name} as is when lower-case letters, digits and underscores (not starting with a digit), else double-quoted. */
    public static String quote(String name) {
        return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
