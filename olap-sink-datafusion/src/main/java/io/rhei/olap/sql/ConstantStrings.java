package io.rhei.olap.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlTrimFunction;
import org.apache.calcite.sql.type.SqlTypeName;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Text functions of constants computed in Java with PostgreSQL's rules (several native string functions take
 * columns only): substring, upper, lower, trim and its variants, left, right, replace, ||, length, reverse, repeat.
 */
public final class ConstantStrings {
    private static final Set<String> NAMES = Set.of("SUBSTRING", "UPPER", "LOWER", "TRIM", "LTRIM", "RTRIM", "BTRIM", "LEFT", "RIGHT",
            "REPLACE", "||", "CHAR_LENGTH", "CHARACTER_LENGTH", "LENGTH", "REVERSE", "REPEAT", "OCTET_LENGTH", "LPAD", "RPAD");

    private ConstantStrings() {
    }

    static boolean handles(RexCall call) {
        return NAMES.contains(call.getOperator().getName().toUpperCase(Locale.ROOT));
    }

    /** The call over literal {@code args}, or null when it is not computed here (the native engine then does it). */
    static RexNode fold(RexBuilder rexBuilder, RexCall call, List<RexNode> args) {
        RelDataType type = call.getType();
        for (RexNode a : args) {
            if (((RexLiteral) a).isNull()) {
                return rexBuilder.makeNullLiteral(type);
            }
        }
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        Object result = switch (name) {
            case "CHAR_LENGTH", "CHARACTER_LENGTH", "LENGTH" -> text(args, 0).codePoints().count();
            case "UPPER" -> text(args, 0).toUpperCase(Locale.ROOT);
            case "LOWER" -> text(args, 0).toLowerCase(Locale.ROOT);
            case "||" -> args.stream().allMatch(a -> isString((RexLiteral) a)) ? text(args, 0) + text(args, 1) : null;
            case "OCTET_LENGTH" -> (long) text(args, 0).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            case "LPAD", "RPAD" -> pad(text(args, 0), number(args, 1), args.size() > 2 ? text(args, 2) : " ", name.equals("LPAD"));
            case "REVERSE" -> new StringBuilder(text(args, 0)).reverse().toString();
            case "REPEAT" -> text(args, 0).repeat((int) Math.max(0, number(args, 1)));
            case "REPLACE" -> text(args, 1).isEmpty() ? text(args, 0) : text(args, 0).replace(text(args, 1), text(args, 2));
            case "LEFT" -> left(text(args, 0), number(args, 1));
            case "RIGHT" -> right(text(args, 0), number(args, 1));
            case "SUBSTRING" -> substring(text(args, 0), number(args, 1), args.size() > 2 ? number(args, 2) : null);
            case "LTRIM" -> trim(text(args, 0), args.size() > 1 ? text(args, 1) : " ", true, false);
            case "RTRIM" -> trim(text(args, 0), args.size() > 1 ? text(args, 1) : " ", false, true);
            case "BTRIM" -> trim(text(args, 0), args.size() > 1 ? text(args, 1) : " ", true, true);
            case "TRIM" -> {
                Object flag = ((RexLiteral) args.get(0)).getValue();
                yield trim(text(args, 2), text(args, 1), flag != SqlTrimFunction.Flag.TRAILING, flag != SqlTrimFunction.Flag.LEADING);
            }
            default -> null;
        };
        if (result == null) {
            return null;
        }
        if (result instanceof Long n) {
            return SqlTypeName.INT_TYPES.contains(type.getSqlTypeName()) ? rexBuilder.makeExactLiteral(java.math.BigDecimal.valueOf(n), type) : null;
        }
        String v = (String) result;
        if (type.getSqlTypeName() == SqlTypeName.VARCHAR
                || type.getSqlTypeName() == SqlTypeName.CHAR && v.codePointCount(0, v.length()) == type.getPrecision()) {
            return rexBuilder.makeLiteral(v, type, false);
        }
        return null; // a char(n) result of another length would be padded by Calcite: left to the native engine
    }

    private static boolean isString(RexLiteral l) {
        return SqlTypeName.CHAR_TYPES.contains(l.getType().getSqlTypeName());
    }

    private static String text(List<RexNode> args, int i) {
        return ((RexLiteral) args.get(i)).getValueAs(String.class);
    }

    private static long number(List<RexNode> args, int i) {
        return ((RexLiteral) args.get(i)).getValueAs(Long.class);
    }

    /** PostgreSQL's lpad/rpad: cut to n characters, or filled with {@code fill} repeated (nothing if it is empty). */
    private static String pad(String s, long n, String fill, boolean left) {
        int[] cps = s.codePoints().toArray();
        if (n <= cps.length) {
            return new String(cps, 0, (int) Math.max(0, n));
        }
        if (fill.isEmpty()) {
            return s;
        }
        int[] f = fill.codePoints().toArray();
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < n - cps.length; i++) {
            p.appendCodePoint(f[i % f.length]);
        }
        return left ? p + s : s + p;
    }

    private static String left(String s, long n) {
        int[] cps = s.codePoints().toArray();
        long k = n >= 0 ? Math.min(n, cps.length) : Math.max(0, cps.length + n);
        return new String(cps, 0, (int) k);
    }

    private static String right(String s, long n) {
        int[] cps = s.codePoints().toArray();
        long k = n >= 0 ? Math.min(n, cps.length) : Math.max(0, cps.length + n);
        return new String(cps, (int) (cps.length - k), (int) k);
    }

    /** PostgreSQL's substring: positions before 1 count, a negative length is an error (left to the engine). */
    public static String substring(String s, long from, Long len) {
        if (len != null && len < 0) {
            return null;
        }
        int[] cps = s.codePoints().toArray();
        long end = len == null ? Long.MAX_VALUE : from + len;
        int a = (int) Math.max(1, from);
        int b = (int) Math.min(cps.length + 1L, end);
        return b <= a ? "" : new String(cps, a - 1, b - a);
    }

    private static String trim(String s, String chars, boolean leading, boolean trailing) {
        int start = 0;
        int end = s.length();
        while (leading && start < end && chars.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (trailing && end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }
}
