package io.rhei.cdc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A slot nobody consumes while PostgreSQL writes WAL is reported stalled, with its lag and the WAL it holds. */
class SlotMonitorTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    @Test
    void aSlotThatStopsAdvancingIsReportedStalledWithItsLag() throws Exception {
        try (Connection c = PG.server().connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_create_logical_replication_slot('abandoned', 'pgoutput')");
            st.execute("CREATE TABLE filler (id int8, pad text)");
        }
        PostgresSourceConfig cfg = PostgresSourceConfig.local(PG.server().port(), "postgres", "postgres", "", Path.of("unused"), "abandoned");
        try (SlotMonitor monitor = new SlotMonitor(cfg, Duration.ofMillis(200), Duration.ofSeconds(2))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> monitor.lagBytes() >= 0);
            assertNull(monitor.problem(), "not stalled before the timeout");
            try (Connection c = PG.server().connect(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO filler SELECT g, repeat('x', 500) FROM generate_series(1, 20000) g");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> monitor.problem() != null);
            String problem = monitor.problem();
            assertTrue(problem.contains("abandoned") && problem.contains("has not advanced") && monitor.lagBytes() > 1_000_000, problem);
            assertTrue(monitor.retainedBytes() >= monitor.lagBytes(), "the slot holds at least what it lags");
        } finally {
            try (Connection c = PG.server().connect(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_drop_replication_slot('abandoned')");
            }
        }
    }
}
