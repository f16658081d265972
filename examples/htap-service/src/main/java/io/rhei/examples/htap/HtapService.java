package io.rhei.examples.htap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rhei.PostgresSource;
import io.rhei.QueryResult;
import io.rhei.Rhei;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * An HTAP service in one class: {@code POST /orders?customer=7&amount=19.90} writes an order to PostgreSQL and answers
 * with the commit's LSN; {@code GET /dashboard?after=<lsn>} answers revenue by status from embedded Rhei, including
 * every order committed up to that LSN (read-your-writes). The JDK's HTTP server, JDBC and the Rhei facade; nothing else.
 */
public final class HtapService implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HtapService.class);
    static final String DASHBOARD = "SELECT status, count(*) AS orders, sum(amount) AS revenue FROM orders GROUP BY status ORDER BY status";
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Rhei rhei;
    private final HttpServer http;

    /** Creates the {@code orders} table when missing, starts Rhei on it and serves HTTP on {@code port} (0: any). */
    public HtapService(String jdbcUrl, String user, String password, Path dataDir, int port) throws Exception {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, customer int4 NOT NULL, "
                    + "amount numeric(12,2) NOT NULL, status text NOT NULL DEFAULT 'new')");
        }
        rhei = Rhei.builder()
                .source(PostgresSource.builder().jdbcUrl(jdbcUrl).user(user).password(password).slot("htap_service").tables("public\\.orders").build())
                .log(dataDir.resolve("rhei-log"))
                .storage("memory:")
                .onFailure(e -> LOG.error("rhei stopped, restarting it: {}", e.getMessage()))
                .build();
        rhei.start();
        rhei.awaitCaughtUp(Duration.ofSeconds(60));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        http.setExecutor(Executors.newFixedThreadPool(4));
        http.createContext("/orders", this::order);
        http.createContext("/dashboard", this::dashboard);
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Writes the order; the answer carries the LSN after its commit, read on the same connection. */
    private void order(HttpExchange ex) throws IOException {
        try {
            Map<String, String> q = query(ex);
            try (Connection c = connect();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO orders (customer, amount) VALUES (?, ?) RETURNING id")) {
                insert.setInt(1, Integer.parseInt(q.getOrDefault("customer", "1")));
                insert.setBigDecimal(2, new BigDecimal(q.getOrDefault("amount", "0")));
                long id;
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
                String lsn;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    lsn = rs.getString(1);
                }
                reply(ex, 200, "{\"id\": " + id + ", \"lsn\": \"" + lsn + "\"}");
            }
        } catch (SQLException | RuntimeException e) {
            reply(ex, 400, "{\"error\": \"" + e.getMessage().replace("\"", "'") + "\"}");
        }
    }

    /** Revenue by status, no older than {@code after} when given. */
    private void dashboard(HttpExchange ex) throws IOException {
        try {
            String after = query(ex).get("after");
            if (after != null) {
                rhei.awaitApplied(after, Duration.ofSeconds(10));
            }
            StringBuilder json = new StringBuilder("[");
            try (QueryResult r = rhei.query(DASHBOARD)) {
                for (List<Object> row : r.rows()) {
                    json.append(json.length() > 1 ? ", " : "").append("{\"status\": \"").append(row.get(0)).append("\", \"orders\": ")
                            .append(row.get(1)).append(", \"revenue\": ").append(row.get(2)).append('}');
                }
            }
            reply(ex, 200, json.append(']').toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(ex, 503, "{\"error\": \"interrupted\"}");
        } catch (RuntimeException e) {
            reply(ex, 503, "{\"error\": \"" + e.getMessage().replace("\"", "'") + "\"}");
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                String[] p = kv.split("=", 2);
                out.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
        rhei.close();
    }

    /** {@code java ... HtapService jdbc:postgresql://host/db user password [port]}. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 3 ? Integer.parseInt(args[3]) : 8080;
        HtapService service = new HtapService(args[0], args[1], args[2], Path.of("htap-data"), port);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close));
        System.out.println("serving on http://127.0.0.1:" + service.port() + " (POST /orders, GET /dashboard)");
    }
}
