package io.rhei.olap.sql;

import io.rhei.olap.QueryException;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameter markers in SQL text, outside string literals, quoted identifiers and comments: PostgreSQL's
 * {@code $1}, {@code $2}... (which may repeat and come in any order) or JDBC's {@code ?} (numbered in order).
 * Calcite knows only {@code ?}, numbered by position, so each {@code $n} becomes a {@code ?} and
 * {@link #parameterOf} maps Calcite's dynamic parameter back to the client's parameter. A marker whose type the
 * client declared is written {@code CAST(? AS type)}, so that it types the expression as it does in PostgreSQL.
 */
record ParameterMarkers(String sql, int[] parameterOf, int parameterCount) {

    static final ParameterMarkers NONE = new ParameterMarkers("", new int[0], 0);

    /**
     * @param declaredSql per client parameter (0-based), the SQL type to cast its marker to, or null to infer it
     */
    static ParameterMarkers of(String originalSql, List<String> declaredSql) {
        StringBuilder out = new StringBuilder(originalSql.length());
        List<Integer> markers = new ArrayList<>();
        boolean dollar = false;
        boolean question = false;
        int max = 0;
        int i = 0;
        int n = originalSql.length();
        while (i < n) {
            char c = originalSql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = PostgresSqlText.endOfQuoted(originalSql, i, c);
                out.append(originalSql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && originalSql.charAt(i + 1) == '-') {
                int end = originalSql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(originalSql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && originalSql.charAt(i + 1) == '*') {
                int end = originalSql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(originalSql, i, end);
                i = end;
            } else if (c == '$' && i + 1 < n && Character.isDigit(originalSql.charAt(i + 1)) && !partOfWord(originalSql, i - 1)) {
                int j = i + 1;
                while (j < n && Character.isDigit(originalSql.charAt(j))) {
                    j++;
                }
                int number = Integer.parseInt(originalSql.substring(i + 1, j));
                if (number < 1) {
                    throw new QueryException(originalSql, "syntax error: parameter $" + number + " (parameters are numbered from $1)");
                }
                dollar = true;
                max = Math.max(max, number);
                markers.add(number - 1);
                out.append(marker(declaredSql, number - 1));
                i = j;
            } else if (c == '?') {
                question = true;
                markers.add(markers.size());
                max = markers.size();
                out.append(marker(declaredSql, markers.size() - 1));
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        if (dollar && question) {
            throw new QueryException(originalSql, "syntax error: both $n and ? parameter markers in one query; use one kind");
        }
        if (markers.isEmpty()) {
            return new ParameterMarkers(originalSql, new int[0], 0);
        }
        int[] of = markers.stream().mapToInt(Integer::intValue).toArray();
        return new ParameterMarkers(out.toString(), of, Math.max(max, declaredSql.size()));
    }

    private static String marker(List<String> declaredSql, int parameter) {
        String type = parameter < declaredSql.size() ? declaredSql.get(parameter) : null;
        return type == null ? "?" : "CAST(? AS " + type + ")";
    }

    /** Whether {@code $} at {@code i + 1} continues an identifier ({@code a$1} is a name in PostgreSQL). */
    private static boolean partOfWord(String sql, int i) {
        return i >= 0 && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$');
    }
}
