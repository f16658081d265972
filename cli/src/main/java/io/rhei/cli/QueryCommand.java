package io.rhei.cli;

import io.rhei.olap.QueryResults;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rhei query}: runs one SQL query against a Rhei query server and prints the result. */
@Command(name = "query", mixinStandardHelpOptions = true, description = "Runs a SQL query on a running Rhei (Flight SQL) and prints the result.")
final class QueryCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the SQL query")
    String sql;

    @Option(names = "--server", description = "host:port of the query server (default ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:47470")
    String server;

    @Option(names = "--user", description = "user name, when the server requires authentication")
    String user;

    @Option(names = "--password-env", description = "environment variable holding the password (default ${DEFAULT-VALUE})",
            defaultValue = "RHEI_PASSWORD")
    String passwordEnv;

    @Option(names = "--password-file", description = "file holding the password (instead of the environment variable)")
    java.nio.file.Path passwordFile;

    @Option(names = "--format", description = "table (default), csv or json", defaultValue = "table")
    String format;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
        int colon = server.lastIndexOf(':');
        if (colon < 0) {
            err.println("--server must be host:port, got '" + server + "'");
            return 2;
        }
        Location location = Location.forGrpcInsecure(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)));
        try (BufferAllocator allocator = new RootAllocator();
             FlightClient flight = FlightClient.builder(allocator, location).build();
             FlightSqlClient client = new FlightSqlClient(flight)) {
            List<CallOption> options = new ArrayList<>();
            if (user != null) {
                String password = passwordFile != null ? java.nio.file.Files.readString(passwordFile).strip() : System.getenv(passwordEnv);
                if (password == null) {
                    err.println("set the password in the environment variable " + passwordEnv + " or give --password-file");
                    return 2;
                }
                flight.authenticateBasicToken(user, password).ifPresent(options::add);
            }
            CallOption[] call = options.toArray(new CallOption[0]);
            FlightInfo info = client.execute(sql, call);
            List<String> columns = info.getSchema().getFields().stream().map(f -> f.getName()).toList();
            List<List<Object>> rows = new ArrayList<>();
            for (FlightEndpoint endpoint : info.getEndpoints()) {
                try (FlightStream stream = client.getStream(endpoint.getTicket(), call)) {
                    VectorSchemaRoot root = stream.getRoot();
                    while (stream.next()) {
                        for (int r = 0; r < root.getRowCount(); r++) {
                            List<Object> row = new ArrayList<>(root.getFieldVectors().size());
                            for (FieldVector v : root.getFieldVectors()) {
                                row.add(QueryResults.value(v, r));
                            }
                            rows.add(row);
                        }
                    }
                }
            }
            print(new QueryResults.Table(columns, rows));
            return 0;
        } catch (FlightRuntimeException e) {
            err.println("query failed (" + e.status().code() + "): " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("query failed: " + e.getMessage());
            return 1;
        }
    }

    private void print(QueryResults.Table t) {
        switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> {
                out.println(String.join(",", t.columns().stream().map(QueryCommand::csv).toList()));
                for (List<Object> row : t.rows()) {
                    out.println(String.join(",", row.stream().map(v -> v == null ? "" : csv(text(v))).toList()));
                }
            }
            case "json" -> {
                for (List<Object> row : t.rows()) {
                    StringBuilder sb = new StringBuilder("{");
                    for (int i = 0; i < row.size(); i++) {
                        Object v = row.get(i);
                        sb.append(i == 0 ? "" : ", ").append(json(t.columns().get(i))).append(": ")
                                .append(v == null ? "null" : v instanceof Number n && !(v instanceof BigDecimal) ? n.toString()
                                        : v instanceof BigDecimal d ? d.toPlainString() : json(text(v)));
                    }
                    out.println(sb.append('}'));
                }
            }
            default -> TablePrinter.print(t, out, "");
        }
    }

    private static String text(Object v) {
        return v instanceof BigDecimal d ? d.toPlainString() : v.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
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
