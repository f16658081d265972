package io.rhei.cli;

import io.rhei.olap.QueryResults;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints a query result batch by batch: CSV, JSON lines and Arrow IPC stream out as they arrive; the table
 * format keeps the rows to size its columns.
 */
abstract class ResultPrinter {
    protected final PrintStream out;

    ResultPrinter(PrintStream out) {
        this.out = out;
    }

    static ResultPrinter forFormat(String format, PrintStream out) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "table" -> new Table(out);
            case "csv" -> new Csv(out);
            case "json" -> new Json(out);
            case "arrow" -> new ArrowIpc(out);
            default -> throw new IllegalArgumentException("--format must be table, csv, json or arrow, got '" + format + "'");
        };
    }

    /** Before the first batch; {@code root} is the vector holder the batches will arrive in. */
    abstract void start(VectorSchemaRoot root) throws IOException;

    abstract void batch(VectorSchemaRoot root) throws IOException;

    abstract void end() throws IOException;

    static List<String> columns(VectorSchemaRoot root) {
        return root.getSchema().getFields().stream().map(f -> f.getName()).toList();
    }

    static List<Object> row(VectorSchemaRoot root, int r) {
        List<Object> row = new ArrayList<>(root.getFieldVectors().size());
        for (FieldVector v : root.getFieldVectors()) {
            row.add(QueryResults.value(v, r));
        }
        return row;
    }

    private static final class Table extends ResultPrinter {
        private List<String> columns;
        private final List<List<Object>> rows = new ArrayList<>();

        Table(PrintStream out) {
            super(out);
        }

        @Override
        void start(VectorSchemaRoot root) {
            columns = columns(root);
        }

        @Override
        void batch(VectorSchemaRoot root) {
            for (int r = 0; r < root.getRowCount(); r++) {
                rows.add(row(root, r));
            }
        }

        @Override
        void end() {
            TablePrinter.print(new QueryResults.Table(columns == null ? List.of() : columns, rows), out, "");
        }
    }

    private static final class Csv extends ResultPrinter {
        Csv(PrintStream out) {
            super(out);
        }

        @Override
        void start(VectorSchemaRoot root) {
            out.println(String.join(",", columns(root).stream().map(Csv::csv).toList()));
        }

        @Override
        void batch(VectorSchemaRoot root) {
            for (int r = 0; r < root.getRowCount(); r++) {
                out.println(String.join(",", row(root, r).stream().map(v -> v == null ? "" : csv(text(v))).toList()));
            }
        }

        @Override
        void end() {
            out.flush();
        }

        private static String csv(String s) {
            return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
        }
    }

    private static final class Json extends ResultPrinter {
        private List<String> columns;

        Json(PrintStream out) {
            super(out);
        }

        @Override
        void start(VectorSchemaRoot root) {
            columns = columns(root);
        }

        @Override
        void batch(VectorSchemaRoot root) {
            for (int r = 0; r < root.getRowCount(); r++) {
                List<Object> row = row(root, r);
                StringBuilder sb = new StringBuilder("{");
                for (int i = 0; i < row.size(); i++) {
                    Object v = row.get(i);
                    sb.append(i == 0 ? "" : ", ").append(json(columns.get(i))).append(": ")
                            .append(v == null ? "null" : v instanceof Number n && !(v instanceof BigDecimal) ? n.toString()
                                    : v instanceof BigDecimal d ? d.toPlainString() : json(text(v)));
                }
                out.println(sb.append('}'));
            }
        }

        @Override
        void end() {
            out.flush();
        }

        private static String json(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('"').toString();
        }
    }

    /** The Arrow IPC streaming format, for pyarrow, DuckDB or another Arrow tool reading stdin. */
    private static final class ArrowIpc extends ResultPrinter {
        private ArrowStreamWriter writer;

        ArrowIpc(PrintStream out) {
            super(out);
        }

        @Override
        void start(VectorSchemaRoot root) throws IOException {
            writer = new ArrowStreamWriter(root, null, Channels.newChannel(out));
            writer.start();
        }

        @Override
        void batch(VectorSchemaRoot root) throws IOException {
            writer.writeBatch();
        }

        @Override
        void end() throws IOException {
            if (writer != null) {
                writer.end(); // not close(): that would close standard output
            }
            out.flush();
        }
    }

    private static String text(Object v) {
        return v instanceof BigDecimal d ? d.toPlainString() : v.toString();
    }
}
