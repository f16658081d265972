package io.rhei.olap.sql;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL spellings Calcite's parser does not take, rewritten in the SQL text before parsing, outside string
 * literals, quoted identifiers and comments:
 * <ul>
 *   <li>interval literals with the unit inside the string: {@code interval '30 days'} becomes
 *       {@code INTERVAL '30' DAY}; {@code interval '1 day 2 hours'} becomes a sum of such literals;</li>
 *   <li>{@code SHOW name} becomes a query of {@code current_setting('name')}.</li>
 * </ul>
 */
final class PostgresSqlText {
    private static final Pattern SHOW = Pattern.compile("(?is)^\\s*show\\s+(\"?[a-z_][a-z0-9_]*\"?)\\s*;?\\s*$");
    private static final Pattern INTERVAL_PART = Pattern.compile(
            "(?i)\\s*([+-]?\\d+)\\s*(years?|y|mons?|months?|weeks?|w|days?|d|hours?|h|mins?|minutes?|m|secs?|seconds?|s)\\b");

    private PostgresSqlText() {
    }

    private static final Pattern DISTINCT_ON = Pattern.compile("(?is)\\bselect\\s+distinct\\s+on\\s*\\(");
    private static final Pattern GENERATE_SERIES = Pattern.compile("(?is)\\bgenerate_series\\s*\\(");
    private static final Pattern PERCENTILE = Pattern.compile("(?is)\\b(percentile_cont|percentile_disc)\\s*\\(");
    private static final Pattern ORDERED_SET = Pattern.compile("(?is)\\bmode\\s*\\(\\s*\\)\\s*within\\s+group");

    /** A construct outside Rhei's SQL that Calcite would only report as a syntax error, named; else null. */
    static String refusedConstruct(String sql) {
        String code = withoutQuoted(sql);
        if (code.contains("->") || code.contains("#>")) {
            return "JSON operators -> ->> #> #>> (json and jsonb columns are text in Rhei)";
        }
        if (DISTINCT_ON.matcher(code).find()) {
            return "SELECT DISTINCT ON (...) (use row_number() OVER (PARTITION BY ... ORDER BY ...) = 1 in a subquery)";
        }
        if (ORDERED_SET.matcher(code).find()) {
            return "mode() WITHIN GROUP";
        }
        Matcher percentile = PERCENTILE.matcher(code);
        if (percentile.find()) {
            return percentile.group(1).toLowerCase(Locale.ROOT) + "(...) WITHIN GROUP";
        }
        return null;
    }

    /**
     * A construct named when a query that holds it cannot be parsed or validated; else null. Checked after the
     * parse-tree rewrites, which may remove it (a set-returning function in a subquery over an always-empty catalog
     * table, as psql's {@code \\d} writes).
     */
    static String refusedWhenUnplanned(String sql) {
        return GENERATE_SERIES.matcher(withoutQuoted(sql)).find() ? "generate_series (set-returning functions)" : null;
    }

    /** {@code pattern}'s matches in code (never inside string literals, quoted identifiers or comments) replaced. */
    /** {@link #replaceOutsideQuotes(String, Pattern, java.util.function.Function)} where {@code sql} holds {@code word} (any case). */
    private static String replaceOutsideQuotes(String sql, String word, Pattern pattern,
                                               java.util.function.Function<java.util.regex.MatchResult, String> with) {
        return containsIgnoringCase(sql, word) ? replaceOutsideQuotes(sql, pattern, with) : sql;
    }

    private static boolean containsIgnoringCase(String text, String word) {
        for (int i = 0, last = text.length() - word.length(); i <= last; i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    private static String replaceOutsideQuotes(String sql, Pattern pattern, java.util.function.Function<java.util.regex.MatchResult, String> with) {
        Matcher m = pattern.matcher(withoutQuoted(sql));
        StringBuilder out = new StringBuilder(sql.length());
        int at = 0;
        while (m.find()) {
            // the blanked text has the same length, so its match positions are the original's; its groups hold
            // code only (a quoted part inside a match is blanks there), so the replacement reads the original's
            Matcher original = pattern.matcher(sql);
            if (!original.region(m.start(), m.end()).lookingAt() || original.end() != m.end()) {
                continue;
            }
            out.append(sql, at, m.start()).append(with.apply(original.toMatchResult()));
            at = m.end();
        }
        return at == 0 ? sql : out.append(sql, at, sql.length()).toString();
    }

    /** The SQL with string literals, quoted identifiers and comments blanked out. */
    private static String withoutQuoted(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = endOfQuoted(sql, i, c);
                out.append(" ".repeat(end - i));
                i = end;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? sql.length() : end;
                out.append(" ".repeat(end - i));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * An element of the search path, {@code (current_schemas(true))[i]} as pgjdbc writes it: with implicit schemas
     * the path is pg_catalog then public, without them public alone.
     */
    private static final Pattern CURRENT_SCHEMA_ITEM = Pattern.compile("(?i)\\(\\s*(pg_catalog\\s*\\.\\s*)?current_schemas\\s*\\("
            + "\\s*(true|false)\\s*\\)\\s*\\)\\s*\\[\\s*(\\d+|[a-z_][a-z0-9_]*(?:\\s*\\.\\s*[a-z_][a-z0-9_]*)?)\\s*\\]");
    /** The positions of the search path, {@code generate_series(1, array_upper(current_schemas(b), 1))}: a VALUES list. */
    private static final Pattern SEARCH_PATH_POSITIONS = Pattern.compile("(?i)\\b(?:pg_catalog\\s*\\.\\s*)?generate_series\\s*\\(\\s*1\\s*,"
            + "\\s*(?:pg_catalog\\s*\\.\\s*)?array_upper\\s*\\(\\s*(?:pg_catalog\\s*\\.\\s*)?current_schemas\\s*\\(\\s*(true|false)\\s*\\)"
            + "\\s*,\\s*1\\s*\\)\\s*\\)");
    /** {@code pg_get_keywords()} in FROM: the keyword table Rhei's parser knows (pg_catalog.pg_get_keywords). */
    private static final Pattern GET_KEYWORDS = Pattern.compile("(?i)\\b(?:pg_catalog\\s*\\.\\s*)?pg_get_keywords\\s*\\(\\s*\\)");

    /** {@code x = ANY ('{a,b}'::text[])} and {@code x <> ALL (...)} over an array literal: IN and NOT IN its elements. */
    /**
     * {@code column::int2[]}: an array type as Calcite's parser writes it ({@code int2 ARRAY}). A literal's cast to an
     * array type is left to ARRAY_LITERAL_COMPARISON, or to be refused.
     */
    private static final Pattern ARRAY_TYPE_CAST = Pattern.compile("([\\w)]\\s*::\\s*[A-Za-z_][\\w.]*)\\s*\\[\\s*\\]");
    /**
     * psql's {@code \\d+}: a table's options followed by its TOAST table's, {@code c.reloptions || array(select 'toast.'
     * || x from pg_catalog.unnest(tc.reloptions) x)}. Rhei's copies have no TOAST tables (tc.reloptions is NULL,
     * the array empty), so the table's own options are the value, without the set-returning function.
     */
    private static final Pattern TOAST_OPTIONS = Pattern.compile("(?is)(\\b\\w+\\.reloptions)\\s*\\|\\|\\s*array\\s*\\(\\s*select\\s+"
            // the literal 'toast.' is blanks in the code-only text, itself in the original
            + "(?:'toast\\.'\\s*)?\\|\\|\\s*(\\w+)\\s+from\\s+(?:pg_catalog\\.)?unnest\\s*\\(\\s*\\w+\\.reloptions\\s*\\)\\s*(?:as\\s+)?\\2\\s*\\)");
    private static final Pattern ARRAY_LITERAL_COMPARISON = Pattern.compile("(?i)(=|<>|!=)\\s*(ANY|SOME|ALL)\\s*\\(\\s*('[^']*+(?:''[^']*+)*+')?\\s*::"
            + "\\s*(?:pg_catalog\\s*\\.\\s*)?(text|varchar|name|bpchar|int2|int4|int8|smallint|integer|bigint|int)\\s*\\[\\s*]\\s*\\)");

    private static String arrayLiteralComparison(java.util.regex.MatchResult m) {
        String op = m.group(1);
        String quantifier = m.group(2).toUpperCase(Locale.ROOT);
        String literal = m.group(3);
        boolean in = op.equals("=") && !quantifier.equals("ALL");
        boolean notIn = !op.equals("=") && quantifier.equals("ALL");
        if (literal == null || !(in || notIn)) {
            return m.group();
        }
        String body = literal.substring(1, literal.length() - 1).replace("''", "'").strip();
        List<String> elements = arrayElements(body);
        if (elements == null || elements.isEmpty()) {
            return m.group(); // NULL elements, an empty or a malformed array: left for the parser to refuse
        }
        String type = m.group(4).toLowerCase(Locale.ROOT);
        boolean numeric = type.startsWith("int") || type.equals("smallint") || type.equals("bigint");
        StringBuilder b = new StringBuilder(in ? " IN (" : " NOT IN (");
        for (int i = 0; i < elements.size(); i++) {
            String e = elements.get(i);
            if (numeric && !e.matches("[+-]?\\d+")) {
                return m.group();
            }
            b.append(i > 0 ? ", " : "").append(numeric ? e : "'" + e.replace("'", "''") + "'");
        }
        return b.append(')').toString();
    }

    /**
     * The elements of a one-dimensional array literal ({@code {a,"b,c",d}}), in PostgreSQL's array syntax: double
     * quotes and backslashes escape; null when an element is NULL or the text is not such an array.
     */
    static List<String> arrayElements(String text) {
        if (!text.startsWith("{") || !text.endsWith("}")) {
            return null;
        }
        List<String> out = new java.util.ArrayList<>();
        String inner = text.substring(1, text.length() - 1);
        if (inner.isBlank()) {
            return out;
        }
        int i = 0;
        int n = inner.length();
        while (true) {
            while (i < n && Character.isWhitespace(inner.charAt(i))) {
                i++;
            }
            StringBuilder e = new StringBuilder();
            boolean quoted = i < n && inner.charAt(i) == '"';
            if (quoted) {
                i++;
                while (i < n && inner.charAt(i) != '"') {
                    if (inner.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    e.append(inner.charAt(i++));
                }
                if (i >= n) {
                    return null;
                }
                i++;
                while (i < n && Character.isWhitespace(inner.charAt(i))) {
                    i++;
                }
            } else {
                while (i < n && inner.charAt(i) != ',') {
                    char c = inner.charAt(i);
                    if (c == '"' || c == '{' || c == '}' || c == '\\') {
                        return null;
                    }
                    e.append(c);
                    i++;
                }
            }
            String value = quoted ? e.toString() : e.toString().strip();
            if (!quoted && (value.isEmpty() || value.equalsIgnoreCase("null"))) {
                return null;
            }
            out.add(value);
            if (i >= n) {
                return out;
            }
            if (inner.charAt(i) != ',') {
                return null;
            }
            i++;
        }
    }

    private static List<String> searchPath(String implicit) {
        return implicit.equalsIgnoreCase("true") ? List.of("pg_catalog", "public") : List.of("public");
    }

    private static String searchPathItem(java.util.regex.MatchResult m) {
        List<String> path = searchPath(m.group(2));
        String index = m.group(3).replaceAll("\\s+", "");
        if (index.chars().allMatch(Character::isDigit)) {
            int i = Integer.parseInt(index);
            return i >= 1 && i <= path.size() ? "'" + path.get(i - 1) + "'" : "CAST(NULL AS VARCHAR)";
        }
        StringBuilder b = new StringBuilder("(CASE ").append(index);
        for (int i = 0; i < path.size(); i++) {
            b.append(" WHEN ").append(i + 1).append(" THEN '").append(path.get(i)).append('\'');
        }
        return b.append(" END)").toString();
    }

    private static String searchPathPositions(java.util.regex.MatchResult m) {
        List<String> path = searchPath(m.group(1));
        StringBuilder b = new StringBuilder("(VALUES ");
        for (int i = 0; i < path.size(); i++) {
            b.append(i > 0 ? ", " : "").append('(').append(i + 1).append(')');
        }
        return b.append(')').toString();
    }

    /** psql's schema-qualified operators, {@code OPERATOR(pg_catalog.~)}: the operator itself. */
    private static final Pattern QUALIFIED_OPERATOR = Pattern.compile("(?i)\\bOPERATOR\\s*\\(\\s*(?:pg_catalog\\s*\\.\\s*)?([~!=<>*+/%-]+)\\s*\\)");
    /** psql's {@code COLLATE pg_catalog.default}: the default collation, which is what Rhei compares with anyway. */
    private static final Pattern DEFAULT_COLLATION = Pattern.compile("(?i)\\bCOLLATE\\s+(?:pg_catalog\\s*\\.\\s*)?\"?default\"?");

    static String rewrite(String original) {
        // each rewrite only where the word it needs occurs: most queries (analytics) need none, and every pass scans
        String sql = original;
        sql = replaceOutsideQuotes(sql, "current_schemas", CURRENT_SCHEMA_ITEM, PostgresSqlText::searchPathItem);
        sql = replaceOutsideQuotes(sql, "generate_series", SEARCH_PATH_POSITIONS, PostgresSqlText::searchPathPositions);
        sql = replaceOutsideQuotes(sql, "pg_get_keywords", GET_KEYWORDS, m -> "pg_catalog.pg_get_keywords");
        sql = replaceOutsideQuotes(sql, "::", ARRAY_LITERAL_COMPARISON, PostgresSqlText::arrayLiteralComparison);
        sql = replaceOutsideQuotes(sql, "reloptions", TOAST_OPTIONS, m -> m.group(1));
        sql = replaceOutsideQuotes(sql, "::", ARRAY_TYPE_CAST, m -> m.group(1) + " ARRAY");
        sql = replaceOutsideQuotes(sql, "operator", QUALIFIED_OPERATOR, m -> " " + m.group(1) + " ");
        sql = replaceOutsideQuotes(sql, "collate", DEFAULT_COLLATION, m -> " ");
        Matcher show = SHOW.matcher(sql);
        if (show.matches()) {
            String name = show.group(1).replace("\"", "");
            String column = switch (name.toLowerCase(Locale.ROOT)) {
                case "timezone" -> "TimeZone";
                case "datestyle" -> "DateStyle";
                case "intervalstyle" -> "IntervalStyle";
                default -> name.toLowerCase(Locale.ROOT);
            };
            return "SELECT current_setting('" + name + "') AS \"" + column + "\"";
        }
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        java.util.ArrayDeque<Boolean> castParens = new java.util.ArrayDeque<>(); // per open parenthesis: CAST( ?
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = endOfQuoted(sql, i, c);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(sql, i, end);
                i = end;
            } else if (c == '(' || c == ')') {
                if (c == '(') {
                    String before = out.toString().stripTrailing();
                    castParens.push(before.length() >= 4 && before.regionMatches(true, before.length() - 4, "cast", 0, 4)
                            && !isWordChar(before, before.length() - 5));
                } else if (!castParens.isEmpty()) {
                    castParens.pop();
                }
                out.append(c);
                i++;
            } else if (isWordStart(sql, i) && sql.regionMatches(true, i, "as", 0, 2) && !isWordChar(sql, i + 2)
                    && !Boolean.TRUE.equals(castParens.peek()) && reservedAliasAt(sql, i + 2) != null) {
                // AS date, AS time: column labels PostgreSQL allows that Calcite reserves, quoted (folded as PostgreSQL would)
                String word = reservedAliasAt(sql, i + 2);
                int j = i + 2;
                while (Character.isWhitespace(sql.charAt(j))) {
                    j++;
                }
                out.append(sql, i, j).append('"').append(word.toLowerCase(Locale.ROOT)).append('"');
                i = j + word.length();
            } else if (isWordStart(sql, i) && typedTimestamptzLiteral(sql, i) > 0) {
                // TIMESTAMPTZ '...' and TIMESTAMP WITH TIME ZONE '...': the cast of the string, read with PostgreSQL's rules
                int start = typedTimestamptzLiteral(sql, i);
                int end = endOfQuoted(sql, start, '\'');
                out.append("CAST(").append(sql, start, end).append(" AS timestamptz)");
                i = end;
            } else if (isWordStart(sql, i) && sql.regionMatches(true, i, "interval", 0, 8) && !isWordChar(sql, i + 8)) {
                int j = i + 8;
                while (j < n && Character.isWhitespace(sql.charAt(j))) {
                    j++;
                }
                String rewritten = null;
                int end = j;
                if (j < n && sql.charAt(j) == '\'') {
                    end = endOfQuoted(sql, j, '\'');
                    String body = sql.substring(j + 1, end - 1);
                    if (!followedByUnit(sql, end)) {
                        rewritten = intervalSum(body);
                    }
                }
                if (rewritten != null) {
                    out.append(rewritten);
                    i = end;
                } else {
                    out.append(sql, i, i + 8);
                    i += 8;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static final Pattern TYPED_TIMESTAMPTZ = Pattern.compile("(?i)(timestamptz|timestamp\\s+with\\s+time\\s+zone)\\s*'");

    /** Where the string of a {@code TIMESTAMPTZ '...'} literal starting at {@code i} begins, or -1. */
    private static int typedTimestamptzLiteral(String sql, int i) {
        Matcher m = TYPED_TIMESTAMPTZ.matcher(sql).region(i, sql.length());
        return m.lookingAt() ? m.end() - 1 : -1;
    }

    private static final java.util.Set<String> RESERVED_LABELS = java.util.Set.of("date", "time", "timestamp", "interval", "user",
            "position", "value", "year", "month", "day", "hour", "minute", "second", "current", "language", "result", "rank", "count",
            "sum", "min", "max", "avg", "filter", "window", "over", "row", "rows", "level", "local", "end");

    /** The word after position {@code from} when it is such a label; else null. */
    private static String reservedAliasAt(String sql, int from) {
        int j = from;
        while (j < sql.length() && Character.isWhitespace(sql.charAt(j))) {
            j++;
        }
        if (j == from) {
            return null;
        }
        int k = j;
        while (k < sql.length() && (Character.isLetterOrDigit(sql.charAt(k)) || sql.charAt(k) == '_')) {
            k++;
        }
        String word = sql.substring(j, k);
        return RESERVED_LABELS.contains(word.toLowerCase(Locale.ROOT)) ? word : null;
    }

    /** {@code '1 day 2 hours'} as {@code (INTERVAL '1' DAY + INTERVAL '2' HOUR)}; null when not of that form. */
    private static String intervalSum(String body) {
        Matcher m = INTERVAL_PART.matcher(body);
        StringBuilder sum = new StringBuilder();
        int pos = 0;
        int parts = 0;
        while (m.find() && m.start() == pos) {
            String unit = unit(m.group(2));
            long amount = Long.parseLong(m.group(1));
            if (unit.equals("WEEK")) {
                unit = "DAY";
                amount *= 7;
            }
            if (parts++ > 0) {
                sum.append(" + ");
            }
            sum.append("INTERVAL '").append(amount).append("' ").append(unit);
            pos = m.end();
        }
        if (parts == 0 || !body.substring(pos).isBlank()) {
            return null;
        }
        return parts == 1 ? sum.toString() : "(" + sum + ")";
    }

    private static String unit(String u) {
        String s = u.toLowerCase(Locale.ROOT);
        if (s.startsWith("y")) {
            return "YEAR";
        }
        if (s.startsWith("mon")) {
            return "MONTH";
        }
        if (s.startsWith("w")) {
            return "WEEK";
        }
        if (s.startsWith("d")) {
            return "DAY";
        }
        if (s.startsWith("h")) {
            return "HOUR";
        }
        if (s.startsWith("m")) {
            return "MINUTE";
        }
        return "SECOND";
    }

    private static boolean followedByUnit(String sql, int from) {
        int j = from;
        while (j < sql.length() && Character.isWhitespace(sql.charAt(j))) {
            j++;
        }
        String rest = sql.substring(j).toUpperCase(Locale.ROOT);
        for (String unit : new String[]{"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "WEEK", "QUARTER"}) {
            if (rest.startsWith(unit) && !isWordChar(rest, unit.length()) || rest.startsWith(unit + "S") && !isWordChar(rest, unit.length() + 1)) {
                return true;
            }
        }
        return false;
    }

    /** The index just past the quoted string or identifier starting at {@code start} (doubled quotes stay inside). */
    static int endOfQuoted(String sql, int start, char quote) {
        int j = start + 1;
        while (j < sql.length()) {
            if (sql.charAt(j) == quote) {
                if (j + 1 < sql.length() && sql.charAt(j + 1) == quote) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return sql.length();
    }

    private static boolean isWordStart(String s, int i) {
        return i == 0 || !isWordChar(s, i - 1);
    }

    private static boolean isWordChar(String s, int i) {
        return i < s.length() && i >= 0 && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_');
    }
}
