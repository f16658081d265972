package io.rhei.core.schema;

import io.rhei.core.RheiException;

/**
 * PostgreSQL's rule for a {@code char(n)} value, in one place for every writer (change events, the bulk snapshot,
 * storage): exactly n characters, blank-padded, or cut where only blanks pass n; longer text is PostgreSQL's error
 * 22001. Queries rely on it: comparisons and group keys read the stored value as it is.
 */
public final class CharValues {
    private CharValues() {
    }

    /** {@code value} as a {@code char(length)} holds it; length 0 ({@code bpchar} without one) keeps it as it is. */
    public static String padded(String value, int length) {
        if (length == 0) {
            return value;
        }
        int chars = value.codePointCount(0, value.length());
        if (chars == length) {
            return value;
        }
        if (chars < length) {
            return value + " ".repeat(length - chars);
        }
        int end = value.offsetByCodePoints(0, length);
        if (value.substring(end).chars().anyMatch(c -> c != ' ')) {
            String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
            throw new RheiException("value too long for type character(" + length + "): '" + shown + "' (PostgreSQL's error 22001)");
        }
        return value.substring(0, end);
    }
}
