package io.rhei.cli;

import io.rhei.olap.QueryResults;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Prints a query result as an aligned text table, like psql does. */
final class TablePrinter {
    private TablePrinter() {
    }

    static void print(QueryResults.Table t, PrintStream out, String indent) {
        List<String[]> cells = new ArrayList<>();
        int[] width = new int[t.columns().size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = t.columns().get(c).length();
        }
        for (List<Object> row : t.rows()) {
            String[] s = new String[row.size()];
            for (int c = 0; c < s.length; c++) {
                Object v = row.get(c);
                s[c] = v == null ? "" : v instanceof BigDecimal d ? d.toPlainString() : v.toString();
                width[c] = Math.max(width[c], s[c].length());
            }
            cells.add(s);
        }
        StringBuilder head = new StringBuilder(indent);
        StringBuilder rule = new StringBuilder(indent);
        for (int c = 0; c < width.length; c++) {
            head.append(c == 0 ? " " : " | ").append(pad(t.columns().get(c), width[c], false));
            rule.append(c == 0 ? "-" : "-+-").append("-".repeat(width[c]));
        }
        out.println(head);
        out.println(rule.append('-'));
        for (int r = 0; r < cells.size(); r++) {
            String[] s = cells.get(r);
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < s.length; c++) {
                Object v = t.rows().get(r).get(c);
                line.append(c == 0 ? " " : " | ").append(pad(s[c], width[c], v instanceof Number));
            }
            out.println(line);
        }
        out.println(indent + "(" + t.rows().size() + (t.rows().size() == 1 ? " row)" : " rows)"));
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
