package io.rhei.cli;

import io.rhei.testing.LocalResources;
import io.rhei.testing.ShopWorkload;
import io.rhei.PostgresSource;
import io.rhei.Rhei;
import io.rhei.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's shop workload against a real PostgreSQL, synced into Vortex storage, queried through the Arrow Flight
 * SQL JDBC driver (a real client, authenticated): once caught up, every table has PostgreSQL's row count and
 * column sums. A wrong password and a write statement are refused.
 */
class DemoWorkloadEndToEndTest {
    private static final String[][] CHECKS = {
            {"customers", "count(*), sum(id)"},
            {"products", "count(*), sum(price)"},
            {"orders", "count(*), sum(total), sum(customer_id)"},
            {"order_items", "count(*), sum(qty), sum(price)"}};

    @TempDir
    Path dir;

    @Test
    void shopWorkloadSyncedAndQueriedThroughFlightSqlJdbcMatchesPostgres() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            try (Connection c = pg.connect()) {
                ShopWorkload.createSchema(c, 500, 60);
            }
            try (Rhei rhei = Rhei.builder().source(PostgresSource.builder().port(pg.port()).user("postgres").slot("e2e_test")
                            .tables("public\\..*").build())
                    .log(dir.resolve("log")).storage(dir.resolve("tables").toString())
                    .set("server.port", "0").set("server.pg-port", String.valueOf(LocalResources.freePort()))
                    .set("server.user", "analyst").set("server.password", "pw-e2e").set("metrics.port", "0")
                    .serve().build()) {
                rhei.start();
                int flightPort = rhei.flightSqlPort();
                ShopWorkload workload = new ShopWorkload(() -> {
                    try {
                        return pg.connect();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, 200);
                Thread writer = new Thread(workload);
                writer.start();
                Thread.sleep(6000);
                // while the workload runs, a query already sees a consistent, growing state
                assertTrue(count(flightPort, "orders") >= 0);
                workload.stop();
                writer.join();
                assertEquals(null, workload.failure());
                for (String[] check : CHECKS) {
                    String sql = "SELECT " + check[1] + " FROM " + check[0];
                    List<Object> expected = row(pg.connect(), sql);
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                            .untilAsserted(() -> assertEquals(expected, row(flight(flightPort, "pw-e2e"), sql), check[0]));
                }
                assertTrue(Long.parseLong((String) row(pg.connect(), "SELECT count(*) FROM orders").get(0)) > 100, "the workload ran");
                // the same answers over the PostgreSQL protocol, with PostgreSQL's own driver
                for (String[] check : CHECKS) {
                    String sql = "SELECT " + check[1] + " FROM " + check[0];
                    assertEquals(row(pg.connect(), sql), row(pgWire(rhei.pgPort(), "pw-e2e"), sql), check[0] + " over the PostgreSQL protocol");
                }

                SQLException badPassword = assertThrows(SQLException.class, () -> flight(flightPort, "wrong").createStatement()
                        .executeQuery("SELECT 1 FROM orders"));
                assertTrue(String.valueOf(badPassword.getMessage()).toLowerCase().contains("auth")
                        || String.valueOf(badPassword.getCause()).toLowerCase().contains("auth"), String.valueOf(badPassword));
                try (Connection c = flight(flightPort, "pw-e2e"); Statement st = c.createStatement()) {
                    SQLException write = assertThrows(SQLException.class, () -> st.executeUpdate("DELETE FROM orders"));
                    assertTrue(String.valueOf(write.getMessage()).contains("read-only") || String.valueOf(write.getMessage()).contains("only queries"),
                            String.valueOf(write.getMessage()));
                }
            }
        }
    }

    private static long count(int port, String table) throws SQLException {
        return Long.parseLong((String) row(flight(port, "pw-e2e"), "SELECT count(*) FROM " + table).get(0));
    }

    private static Connection pgWire(int port, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "analyst");
        p.setProperty("password", password);
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/rhei", p);
    }

    private static Connection flight(int port, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "analyst");
        p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + port + "?useEncryption=false", p);
    }

    /** One row, numbers normalised (BigDecimal without trailing zeros, integers as long) so both sides compare. */
    private static List<Object> row(Connection c, String sql) throws SQLException {
        try (c; Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            List<Object> out = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                Object v = rs.getObject(i);
                if (v instanceof BigDecimal d) {
                    v = d.stripTrailingZeros().toPlainString();
                } else if (v instanceof Number n) {
                    v = String.valueOf(n.longValue());
                }
                out.add(v);
            }
            return out;
        }
    }
}
