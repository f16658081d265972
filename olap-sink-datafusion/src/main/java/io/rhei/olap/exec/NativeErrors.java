package io.rhei.olap.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The native library's error text as one line a user can act on: the Rust backtrace and DataFusion's "please file a
 * bug" boilerplate are cut, and Spark's error classes for a user's data errors get PostgreSQL's wording.
 */
public final class NativeErrors {
    private static final Pattern SPARK_CLASS = Pattern.compile("\\[([A-Z_]+)(?:\\.[A-Z_]+)?\\]\\s*(.*)");

    /** PostgreSQL's error (SQLSTATE 21000) for a scalar subquery with several rows; raised natively as a failing cast. */
    public static final String MORE_THAN_ONE_ROW = "more than one row returned by a subquery used as an expression";

    /** PostgreSQL's error (SQLSTATE 22003) for a numeric result beyond Rhei's 38 digits; raised natively as a failing cast. */
    public static final String NUMERIC_OVERFLOW = "numeric field overflow: a result has more than the 38 digits of Rhei's numeric";

    private static final ObjectMapper JSON = new ObjectMapper();

    private NativeErrors() {
    }

    public static String oneLine(String raw) {
        if (raw == null || raw.isBlank()) {
            return "no message from the native engine";
        }
        String s = raw;
        int backtrace = s.indexOf("\n");
        if (backtrace >= 0) {
            s = s.substring(0, backtrace);
        }
        int at = s.indexOf("        at ");
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int boilerplate = s.indexOf(" This issue was likely caused by a bug");
        if (boilerplate >= 0) {
            s = s.substring(0, boilerplate);
        }
        s = fromJson(s.strip());
        Matcher m = SPARK_CLASS.matcher(s);
        if (m.find()) {
            String detail = m.group(2);
            switch (m.group(1)) {
                case "DIVIDE_BY_ZERO", "INTERVAL_DIVIDED_BY_ZERO" -> {
                    return "division by zero";
                }
                case "ARITHMETIC_OVERFLOW", "BINARY_ARITHMETIC_OVERFLOW", "CAST_OVERFLOW" -> {
                    return "value out of range: " + cut(detail);
                }
                case "NUMERIC_VALUE_OUT_OF_RANGE", "NUMERIC_OUT_OF_SUPPORTED_RANGE" -> {
                    return NUMERIC_OVERFLOW;
                }
                case "CAST_INVALID_INPUT" -> {
                    if (detail.contains(MORE_THAN_ONE_ROW)) {
                        return MORE_THAN_ONE_ROW;
                    }
                    if (detail.contains(NUMERIC_OVERFLOW)) {
                        return NUMERIC_OVERFLOW;
                    }
                    return "invalid input syntax: " + cut(detail);
                }
                default -> {
                    return cut(s);
                }
            }
        }
        return cut(s);
    }

    /**
     * The 1.x library sends Spark-classed errors as JSON ({@code {"errorClass":"DIVIDE_BY_ZERO","params":{...}}});
     * this gives them 0.12's shape, {@code [ERROR_CLASS] params}. Other text passes through.
     */
    private static String fromJson(String s) {
        if (!s.startsWith("{")) {
            return s;
        }
        try {
            JsonNode error = JSON.readTree(s);
            JsonNode errorClass = error.get("errorClass");
            if (errorClass == null) {
                return s;
            }
            StringBuilder text = new StringBuilder("[").append(errorClass.asText()).append("]");
            JsonNode params = error.get("params");
            if (params != null && params.has("fromType") && errorClass.asText().equals("ARITHMETIC_OVERFLOW")) {
                return text.append(' ').append(params.get("fromType").asText()).append(" overflow").toString();
            }
            if (params != null) {
                params.elements().forEachRemaining(p -> text.append(' ').append(p.asText()));
            }
            if (errorClass.asText().contains("OVERFLOW") && text.indexOf("overflow") < 0) {
                text.append(" overflow");
            }
            return text.toString();
        } catch (java.io.IOException e) {
            return s;
        }
    }

    /** Spark's messages suggest Spark settings; those do not apply here. */
    private static String cut(String s) {
        int hint = s.indexOf(" If necessary set ");
        if (hint < 0) {
            hint = s.indexOf(" Use `try_");
        }
        return (hint >= 0 ? s.substring(0, hint) : s).strip();
    }
}
