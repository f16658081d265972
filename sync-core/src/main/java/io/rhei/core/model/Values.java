package io.rhei.core.model;

import java.util.HexFormat;

/** Formats values for messages and logs: strings quoted, bytes in hex, long values cut short. */
public final class Values {
    private static final int MAX_SHOWN = 64;

    private Values() {
    }

    public static String format(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof byte[] bytes) {
            String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, MAX_SHOWN / 2));
            return "\\x" + hex + (bytes.length > MAX_SHOWN / 2 ? "...(" + bytes.length + " bytes)" : "");
        }
        if (value instanceof String s) {
            return "'" + (s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN) + "...(" + s.length() + " chars)" : s) + "'";
        }
        return value.toString();
    }

    static String format(Object[] values) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(format(values[i]));
        }
        return sb.append(')').toString();
    }
}
