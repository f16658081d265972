package io.rhei.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A grammar of random queries over the differential datasets ({@link DifferentialData}): projections of typed
 * expressions (arithmetic, CASE, casts, string and date functions, COALESCE/NULLIF), predicates with NULLs (ternary
 * logic, IN lists holding NULL, BETWEEN, LIKE/ILIKE), aggregates with FILTER and HAVING, joins, windows and set
 * operations. Every query is deterministic: LIMIT only comes with an ORDER BY over every output column.
 */
final class RandomQueries {
    enum Type { INT, NUM, FLOAT, TEXT, CHAR, BOOL, DATE, TS }

    record Col(String name, Type type) {
    }

    record Table(String name, String alias, List<Col> cols) {
        List<Col> of(Type... types) {
            List<Col> out = new ArrayList<>();
            for (Col c : cols) {
                for (Type t : types) {
                    if (c.type == t) {
                        out.add(c);
                    }
                }
            }
            return out;
        }
    }

    static final List<Table> TABLES = List.of(
            new Table("types_t", "t", List.of(new Col("id", Type.INT), new Col("i2", Type.INT), new Col("i4", Type.INT), new Col("i8", Type.INT),
                    new Col("f8", Type.FLOAT), new Col("n", Type.NUM), new Col("c", Type.CHAR), new Col("vc", Type.TEXT), new Col("t", Type.TEXT),
                    new Col("b", Type.BOOL), new Col("d", Type.DATE), new Col("ts", Type.TS))),
            new Table("orders", "o", List.of(new Col("id", Type.INT), new Col("customer_id", Type.INT), new Col("status", Type.TEXT),
                    new Col("total", Type.NUM), new Col("qty", Type.INT), new Col("weight", Type.FLOAT), new Col("placed", Type.TS))),
            new Table("customers", "c", List.of(new Col("id", Type.INT), new Col("name", Type.TEXT), new Col("country", Type.TEXT),
                    new Col("segment", Type.TEXT), new Col("created", Type.DATE), new Col("credit", Type.NUM))),
            new Table("tpch.part", "p", List.of(new Col("p_partkey", Type.INT), new Col("p_name", Type.TEXT), new Col("p_mfgr", Type.CHAR),
                    new Col("p_brand", Type.CHAR), new Col("p_type", Type.TEXT), new Col("p_size", Type.INT), new Col("p_container", Type.CHAR),
                    new Col("p_retailprice", Type.NUM))),
            new Table("tpch.nation", "n", List.of(new Col("n_nationkey", Type.INT), new Col("n_name", Type.CHAR), new Col("n_regionkey", Type.INT))));

    /** Joins the generator may use: table pairs with their key columns. */
    private static final String[][] JOINS = {
            {"orders", "customers", "o.customer_id = c.id"},
            {"types_t", "orders", "t.i2 = o.qty"},
            {"tpch.part", "tpch.nation", "p.p_size = n.n_nationkey"},
            {"types_t", "customers", "t.id = c.id"},
    };

    private static final String[] TEXT_LITERALS = {"'ab'", "'abc'", "'x'", "''", "'Zoë'", "'ab   '", "'new'", "'paid'", "'FR'", "'DE'",
            "'Brand#23'", "'SM BOX'", "'retail'", "'李四'", "NULL"};
    private static final String[] LIKE_PATTERNS = {"'a%'", "'%b%'", "'_b%'", "'%'", "'ab'", "'ab%'", "'%x'", "'A%'", "'%e_'", "'Brand#1%'", "'%BOX%'"};

    private final Random r;

    RandomQueries(long seed) {
        this.r = new Random(seed);
    }

    String next() {
        int shape = r.nextInt(100);
        if (shape < 35) {
            return projection();
        }
        if (shape < 65) {
            return aggregation();
        }
        if (shape < 80) {
            return join();
        }
        if (shape < 90) {
            return window();
        }
        return setOperation();
    }

    private Table table() {
        return TABLES.get(r.nextInt(TABLES.size()));
    }

    private String projection() {
        Table t = table();
        int n = 1 + r.nextInt(3);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(expr(t, anyType(), 2) + " AS e" + i);
        }
        String sql = "SELECT " + String.join(", ", items) + " FROM " + t.name + " " + t.alias;
        if (r.nextInt(4) > 0) {
            sql += " WHERE " + predicate(t, 2);
        }
        if (r.nextInt(3) == 0) {
            sql += " ORDER BY " + ordinals(n) + " LIMIT " + (1 + r.nextInt(20));
            if (r.nextBoolean()) {
                sql += " OFFSET " + r.nextInt(10);
            }
        }
        return sql;
    }

    private String aggregation() {
        Table t = table();
        List<String> groups = new ArrayList<>();
        int g = r.nextInt(3);
        for (int i = 0; i < g; i++) {
            groups.add(r.nextBoolean() ? column(t, Type.INT, Type.TEXT, Type.CHAR, Type.BOOL, Type.DATE) : expr(t, pick(Type.INT, Type.TEXT), 1));
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            items.add(groups.get(i) + " AS g" + i);
        }
        int a = 1 + r.nextInt(3);
        for (int i = 0; i < a; i++) {
            items.add(aggregate(t) + " AS a" + i);
        }
        String sql = "SELECT " + String.join(", ", items) + " FROM " + t.name + " " + t.alias;
        if (r.nextBoolean()) {
            sql += " WHERE " + predicate(t, 2);
        }
        if (!groups.isEmpty()) {
            List<String> ords = new ArrayList<>();
            for (int i = 1; i <= groups.size(); i++) {
                ords.add(Integer.toString(i));
            }
            sql += " GROUP BY " + String.join(", ", ords);
            if (r.nextInt(3) == 0) {
                sql += " HAVING count(*) " + pick(">", "<", ">=") + " " + r.nextInt(5);
            }
        }
        return sql;
    }

    private String aggregate(Table t) {
        String filter = r.nextInt(4) == 0 ? " FILTER (WHERE " + predicate(t, 1) + ")" : "";
        return switch (r.nextInt(9)) {
            case 0 -> "count(*)" + filter;
            case 1 -> "count(" + expr(t, anyType(), 1) + ")" + filter;
            case 2 -> "sum(" + expr(t, pick(Type.INT, Type.NUM), 1) + ")" + filter;
            case 3 -> "min(" + expr(t, orderable(), 1) + ")" + filter;
            case 4 -> "max(" + expr(t, orderable(), 1) + ")" + filter;
            case 5 -> "avg(" + expr(t, pick(Type.INT, Type.NUM), 1) + ")" + filter;
            case 6 -> "count(DISTINCT " + column(t, Type.INT, Type.TEXT, Type.CHAR) + ")";
            case 7 -> "bool_or(" + predicate(t, 1) + ")" + filter;
            // a float sum only where the values are moderate (1e300 and -1e300 cancel in any order but PostgreSQL's)
            default -> t.name.equals("orders") ? "sum(o.weight)" + filter : "sum(" + column(t, Type.INT, Type.NUM) + ")" + filter;
        };
    }

    private String join() {
        String[] j = JOINS[r.nextInt(JOINS.length)];
        Table a = byName(j[0]);
        Table b = byName(j[1]);
        String kind = pick("JOIN", "LEFT JOIN", "JOIN", "FULL JOIN", "RIGHT JOIN");
        String from = a.name + " " + a.alias + " " + kind + " " + b.name + " " + b.alias + " ON " + j[2];
        if (r.nextBoolean()) {
            String sql = "SELECT " + expr(a, anyType(), 1) + " AS x, " + expr(b, anyType(), 1) + " AS y FROM " + from;
            return r.nextBoolean() ? sql + " WHERE " + predicate(r.nextBoolean() ? a : b, 1) : sql;
        }
        return "SELECT " + column(a, Type.INT, Type.TEXT, Type.CHAR) + " AS k, count(*), " + aggregate(b) + " FROM " + from + " GROUP BY 1";
    }

    private String window() {
        Table t = table();
        String key = t.cols.get(0).name; // unique: the primary key orders every partition completely
        String part = column(t, Type.INT, Type.TEXT, Type.CHAR, Type.BOOL);
        String fn = switch (r.nextInt(8)) {
            case 0 -> "row_number()";
            case 1 -> "rank()";
            case 2 -> "count(*)";
            case 3 -> "sum(" + column(t, Type.INT, Type.NUM) + ")";
            case 4 -> "min(" + column(t, Type.INT, Type.TEXT, Type.NUM) + ")";
            case 5 -> "ntile(" + (1 + r.nextInt(5)) + ")";
            case 6 -> "first_value(" + column(t, Type.INT, Type.TEXT) + ")";
            default -> "max(" + column(t, Type.INT, Type.NUM, Type.DATE) + ")";
        };
        String order = r.nextInt(3) == 0 ? "" : " ORDER BY " + key + (r.nextBoolean() ? " DESC" : "");
        if (order.isEmpty() && (fn.startsWith("row_number") || fn.startsWith("rank") || fn.startsWith("ntile") || fn.startsWith("first_value"))) {
            order = " ORDER BY " + key;
        }
        String sql = "SELECT " + key + ", " + fn + " OVER (PARTITION BY " + part + order + ") AS w FROM " + t.name + " " + t.alias;
        return r.nextBoolean() ? sql + " WHERE " + predicate(t, 1) : sql;
    }

    private String setOperation() {
        Table a = table();
        Table b = table();
        Type type = pick(Type.INT, Type.TEXT);
        String op = pick("UNION ALL", "UNION", "INTERSECT", "EXCEPT");
        return "SELECT " + expr(a, type, 1) + " AS v FROM " + a.name + " " + a.alias + " WHERE " + predicate(a, 1)
                + " " + op + " SELECT " + expr(b, type, 1) + " FROM " + b.name + " " + b.alias + " WHERE " + predicate(b, 1);
    }

    // ---- expressions

    /** Types min and max take in PostgreSQL (not boolean). */
    private Type orderable() {
        return pick(Type.INT, Type.NUM, Type.TEXT, Type.CHAR, Type.DATE, Type.FLOAT);
    }

    private Type anyType() {
        return pick(Type.INT, Type.INT, Type.NUM, Type.TEXT, Type.CHAR, Type.BOOL, Type.DATE, Type.FLOAT);
    }

    String expr(Table t, Type type, int depth) {
        if (depth <= 0 || r.nextInt(3) == 0) {
            return leaf(t, type);
        }
        int d = depth - 1;
        return switch (type) {
            case INT -> switch (r.nextInt(9)) {
                case 0 -> "(" + expr(t, Type.INT, d) + " " + pick("+", "-", "*") + " " + expr(t, Type.INT, d) + ")";
                case 1 -> "(" + expr(t, Type.INT, d) + " / " + (1 + r.nextInt(9)) + ")";
                case 2 -> "(" + expr(t, Type.INT, d) + " % " + (2 + r.nextInt(7)) + ")";
                case 3 -> "abs(" + expr(t, Type.INT, d) + ")";
                case 4 -> "CASE WHEN " + predicate(t, d) + " THEN " + expr(t, Type.INT, d) + " ELSE " + expr(t, Type.INT, d) + " END";
                case 5 -> "coalesce(" + expr(t, Type.INT, d) + ", " + r.nextInt(10) + ")";
                case 6 -> "CAST(" + expr(t, Type.NUM, d) + " AS integer)";
                case 7 -> "length(" + expr(t, pick(Type.TEXT, Type.CHAR), d) + ")";
                default -> "extract(" + pick("year", "month", "day", "dow", "doy", "quarter") + " FROM " + expr(t, Type.DATE, d) + ")";
            };
            case NUM -> switch (r.nextInt(6)) {
                case 0 -> "(" + expr(t, Type.NUM, d) + " " + pick("+", "-") + " " + expr(t, pick(Type.NUM, Type.INT), d) + ")";
                case 1 -> "(" + expr(t, Type.NUM, d) + " * " + pick("2", "0.5", "-3", "1.25") + ")";
                case 2 -> "round(" + expr(t, Type.NUM, d) + ", " + r.nextInt(3) + ")";
                case 3 -> "trunc(" + expr(t, Type.NUM, d) + ")";
                case 4 -> "(" + expr(t, Type.NUM, d) + " / " + pick("3", "7", "0.5", "12.25") + ")";
                default -> "CASE WHEN " + predicate(t, d) + " THEN " + expr(t, Type.NUM, d) + " END";
            };
            case FLOAT -> switch (r.nextInt(3)) {
                case 0 -> "abs(" + expr(t, Type.FLOAT, d) + ")";
                case 1 -> "(" + expr(t, Type.FLOAT, d) + " + " + pick("1", "0.5", "-2") + ")";
                default -> "coalesce(" + expr(t, Type.FLOAT, d) + ", 0)";
            };
            case TEXT -> switch (r.nextInt(9)) {
                case 0 -> "upper(" + expr(t, Type.TEXT, d) + ")";
                case 1 -> "lower(" + expr(t, pick(Type.TEXT, Type.CHAR), d) + ")";
                case 2 -> "(" + expr(t, pick(Type.TEXT, Type.CHAR), d) + " || " + expr(t, pick(Type.TEXT, Type.CHAR, Type.INT), d) + ")";
                case 3 -> "substring(" + expr(t, Type.TEXT, d) + " FROM " + (1 + r.nextInt(3)) + " FOR " + r.nextInt(4) + ")";
                case 4 -> "coalesce(" + expr(t, Type.TEXT, d) + ", " + pick("'none'", "''") + ")";
                case 5 -> "trim(" + expr(t, Type.TEXT, d) + ")";
                case 6 -> "left(" + expr(t, Type.TEXT, d) + ", " + r.nextInt(4) + ")";
                case 7 -> "replace(" + expr(t, Type.TEXT, d) + ", 'a', 'A')";
                default -> "CAST(" + expr(t, Type.INT, d) + " AS text)";
            };
            case CHAR -> "coalesce(" + leaf(t, Type.CHAR) + ", " + leaf(t, Type.CHAR) + ")";
            case BOOL -> predicate(t, d);
            case DATE -> switch (r.nextInt(3)) {
                case 0 -> "CAST(date_trunc('" + pick("month", "year", "quarter", "week") + "', " + leaf(t, Type.DATE) + ") AS date)";
                case 1 -> "(" + leaf(t, Type.DATE) + " + interval '" + r.nextInt(40) + " days')::date";
                default -> "coalesce(" + leaf(t, Type.DATE) + ", DATE '2024-01-01')";
            };
            case TS -> leaf(t, Type.TS);
        };
    }

    private String leaf(Table t, Type type) {
        List<Col> cols = type == Type.CHAR ? t.of(Type.CHAR) : t.of(type);
        if (!cols.isEmpty() && r.nextInt(4) > 0) {
            return t.alias + "." + cols.get(r.nextInt(cols.size())).name;
        }
        return literal(type);
    }

    private String literal(Type type) {
        return switch (type) {
            case INT -> pick("0", "1", "-1", "7", "42", "-1000", "NULL", "3");
            case NUM -> pick("0.00", "1.5", "-2.25", "100.10", "NULL", "99.99");
            case FLOAT -> pick("0.5", "-1.5", "2.0", "NULL");
            case TEXT -> pick(TEXT_LITERALS);
            case CHAR -> pick("'ab'", "'x'", "'Brand#23'");
            case BOOL -> pick("true", "false", "NULL::boolean");
            case DATE -> pick("DATE '2021-06-01'", "DATE '2020-02-29'", "DATE '1995-03-15'");
            case TS -> pick("TIMESTAMP '2024-02-28 12:00:00'", "TIMESTAMP '2023-01-01 00:00:00'");
        };
    }

    String predicate(Table t, int depth) {
        if (depth > 0 && r.nextInt(3) == 0) {
            int d = depth - 1;
            return switch (r.nextInt(3)) {
                case 0 -> "(" + predicate(t, d) + " AND " + predicate(t, d) + ")";
                case 1 -> "(" + predicate(t, d) + " OR " + predicate(t, d) + ")";
                default -> "NOT (" + predicate(t, d) + ")";
            };
        }
        Type type = pick(Type.INT, Type.INT, Type.NUM, Type.TEXT, Type.CHAR, Type.DATE, Type.FLOAT, Type.BOOL);
        String x = expr(t, type, Math.max(0, depth - 1));
        if (type == Type.BOOL) {
            x = "(" + x + ")"; // a comparison of comparisons: PostgreSQL's operators do not chain
        }
        return switch (r.nextInt(7)) {
            case 0 -> x + " IS " + pick("NULL", "NOT NULL");
            case 1 -> type == Type.TEXT || type == Type.CHAR ? x + " " + pick("LIKE", "NOT LIKE", "ILIKE") + " " + pick(LIKE_PATTERNS)
                    : x + " " + pick("=", "<>", "<", ">=") + " " + expr(t, type, 0);
            case 2 -> type == Type.BOOL ? x + " IS " + pick("TRUE", "NOT TRUE", "FALSE", "NOT FALSE")
                    : x + " " + pick("IN", "NOT IN") + " (" + literal(type) + ", " + literal(type) + ", " + literal(type) + ")";
            case 3 -> type == Type.BOOL ? x : x + " BETWEEN " + literal(type) + " AND " + literal(type);
            default -> x + " " + pick("=", "<>", "<", "<=", ">", ">=") + " " + expr(t, type, 0);
        };
    }

    private String column(Table t, Type... types) {
        List<Col> cols = t.of(types);
        if (cols.isEmpty()) {
            cols = t.of(Type.INT); // every table has an integer key
        }
        return t.alias + "." + cols.get(r.nextInt(cols.size())).name;
    }

    private static Table byName(String name) {
        return TABLES.stream().filter(t -> t.name.equals(name)).findFirst().orElseThrow();
    }

    private static String ordinals(int n) {
        List<String> o = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            o.add(Integer.toString(i));
        }
        return String.join(", ", o);
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }
}
