package io.rhei.server.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A simple-query message's statements, split at semicolons outside quotes and comments, and what each one is. */
final class Statements {
    private Statements() {
    }

    static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = sql.length();
        for (int i = 0; i < n; i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int j = i + 1;
                while (j < n && !(sql.charAt(j) == c && (j + 1 >= n || sql.charAt(j + 1) != c))) {
                    j += sql.charAt(j) == c ? 2 : 1;
                }
                cur.append(sql, i, Math.min(n, j + 1));
                i = j;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int j = sql.indexOf('\n', i);
                i = j < 0 ? n : j;
                cur.append('\n');
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int j = sql.indexOf("*/", i + 2);
                i = j < 0 ? n : j + 1;
                cur.append(' ');
            } else if (c == ';') {
                add(out, cur);
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder s) {
        String t = s.toString().strip();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    /**
     * The command tag of a session statement clients send on connect and Rhei answers without running anything
     * (transactions on a read-only copy, settings), or null for a statement the engine runs.
     */
    static String sessionTag(String statement) {
        String s = statement.strip().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        String first = s.split(" ", 2)[0];
        return switch (first) {
            case "BEGIN", "START" -> "BEGIN";
            case "COMMIT", "END" -> "COMMIT";
            case "ROLLBACK", "ABORT" -> "ROLLBACK";
            case "SET" -> "SET";
            case "RESET" -> "RESET";
            case "DISCARD" -> s.startsWith("DISCARD ALL") ? "DISCARD ALL" : "DISCARD";
            case "DEALLOCATE" -> "DEALLOCATE";
            default -> null;
        };
    }
}
