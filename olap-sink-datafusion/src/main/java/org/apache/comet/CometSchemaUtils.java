package org.apache.comet;

import java.util.Locale;

/** Looked up by the 1.x native library at start-up: Java's locale-independent lower-casing, for schema names. */
public final class CometSchemaUtils {
    private CometSchemaUtils() {
    }

    public static String toLowerCaseRoot(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
