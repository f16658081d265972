package io.rhei;

import io.rhei.core.RheiException;
import io.rhei.core.model.Lsn;
import io.rhei.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTAP promise through the embedding API: a commit, then awaitApplied with its LSN, then a query that sees it. */
class ReadYourWritesTest {
    @TempDir
    static Path dir;
    private static EmbeddedPostgresServer pg;
    private static Rhei rhei;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgresServer.start(dir.resolve("pg"));
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (id int8 PRIMARY KEY, amount numeric(10,2) NOT NULL)");
            st.execute("CREATE TABLE audit (id serial PRIMARY KEY, note text)"); // not captured
            st.execute("INSERT INTO orders SELECT g, g FROM generate_series(1, 10) g");
        }
        rhei = Rhei.builder()
                .source(PostgresSource.builder().jdbcUrl("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres").user("postgres")
                        .slot("ryw").tables("public\\.orders").build())
                .log(dir.resolve("log")).storage("memory:").build();
        rhei.start();
        rhei.awaitCaughtUp(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (rhei != null) {
            rhei.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static String currentLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aThousandWritesAreEachSeenByTheQueryAfterAwaitApplied() throws Exception {
        assertEquals(List.of(List.of(10L)), rhei.query("SELECT count(*) FROM orders").rows(), "the snapshot is in");
        try (Connection c = pg.connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO orders VALUES (?, ?)")) {
            int writes = Integer.getInteger("rhei.ryw.writes", 1000);
            for (int i = 11; i <= 10 + writes; i++) {
                insert.setLong(1, i);
                insert.setBigDecimal(2, java.math.BigDecimal.valueOf(i));
                insert.executeUpdate(); // autocommit: committed when this returns
                rhei.awaitApplied(currentLsn(c), Duration.ofSeconds(30));
                List<List<Object>> seen = rhei.query("SELECT count(*), max(id) FROM orders").rows();
                assertEquals(List.of(List.of((long) i, (long) i)), seen, "after write " + i);
            }
        }
        TableStatus orders = rhei.tables().stream().filter(t -> t.table().equals("public.orders")).findFirst().orElseThrow();
        assertEquals(10 + Integer.getInteger("rhei.ryw.writes", 1000), orders.rows());
        assertTrue(Lsn.parse(orders.appliedLsn()) > 0, orders.toString());
    }

    @Test
    void aCommitToATableThatIsNotCapturedDoesNotBlock() throws Exception {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO audit (note) VALUES ('not captured')");
            long t0 = System.nanoTime();
            rhei.awaitApplied(currentLsn(c), Duration.ofSeconds(10));
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "returned on the watermark, not at the timeout");
        }
    }

    @Test
    void anLsnNotReachedInTimeIsAClearError() {
        RheiException e = assertThrows(RheiException.class, () -> rhei.awaitApplied("FFFF/0", Duration.ofMillis(300)));
        assertTrue(e.getMessage().startsWith("changes up to LSN FFFF/0 were not applied within 300 ms: captured through "), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> rhei.awaitApplied("yesterday", Duration.ofSeconds(1)));
        assertTrue(bad.getMessage().contains("not a PostgreSQL LSN"), bad.getMessage());
    }

    @Test
    void theInitialSnapshotReportsItsTablesRowsAndEstimates() {
        SnapshotProgress p = rhei.snapshotProgress();
        assertTrue(p.done(), p.toString());
        assertEquals(1, p.tablesTotal());
        SnapshotProgress.Table orders = p.tables().stream().filter(t -> t.table().equals("public.orders")).findFirst().orElseThrow();
        assertEquals(10, orders.rowsRead(), "the 10 rows of the snapshot, read by this process");
        assertTrue(orders.rowsEstimated() > 0, "PostgreSQL's estimate (the planner's, never analyzed): " + orders);
        assertEquals(100, orders.percent(true));
        assertTrue(p.describe().startsWith("initial snapshot done: 1 tables, 10 rows"), p.describe());
        assertTrue(rhei.metrics().stream().anyMatch(m -> m.name().equals("rhei_snapshot_table_rows_read")
                && "public.orders".equals(m.labels().get("table")) && m.value() == 10), "on /metrics");
    }

    @Test
    void healthAndMetricsSayWhereTheSyncIs() {
        assertEquals(Health.Status.HEALTHY, rhei.health().status(), rhei.health().toString());
        assertTrue(rhei.metrics().stream().anyMatch(m -> m.name().equals("rhei_applied_lsn") && m.value() > 0));
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        rhei.bindTo(registry);
        assertTrue(registry.get("rhei.applied.lsn").gauge().value() > 0);
        assertTrue(registry.get("rhei.table.rows").tag("table", "public.orders").gauge().value() >= 10);
    }

    @Test
    void aTypoInAKeyIsAnErrorThatNamesTheKeyAndTheNearestOne() {
        RheiException e = assertThrows(RheiException.class, () -> Rhei.builder()
                .source(PostgresSource.builder().port(pg.port()).build()).log(dir.resolve("other")).set("server.prot", "1").build());
        assertEquals("Rhei.builder(): unknown key 'server.prot' (did you mean 'server.port'?); the keys are listed in the README under "
                + "Configuration", e.getMessage());
        java.util.Properties p = new java.util.Properties();
        p.setProperty("log.dir", dir.resolve("x").toString());
        p.setProperty("sorce.tables.include", "public\\.orders");
        RheiException typo = assertThrows(RheiException.class, () -> Rhei.fromProperties(p));
        assertTrue(typo.getMessage().contains("unknown key 'sorce.tables.include' (did you mean 'source.tables.include'?)"), typo.getMessage());
    }
}
