package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.testing.ReferenceSink;
import io.rhei.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replication slot PostgreSQL invalidates while capture is stopped ({@code max_slot_wal_keep_size} set small, the
 * application writing on): a PostgreSQL server of its own, as the setting is server-wide.
 */
class LostSlotTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();
    private static final TableId TABLE = TableId.parse("public.kept");

    @TempDir
    Path dir;

    private static EmbeddedPostgresServer pg() {
        return PG.server();
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = pg().connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static String walStatus(String slot) throws SQLException {
        try (Connection c = pg().connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static boolean sameAsPostgres(ChronicleChangeLog log) throws Exception {
        ReferenceSink sink = CdcHarness.applyAll(log);
        TableSchema schema = sink.schema(TABLE).orElse(null);
        if (schema == null) {
            return false;
        }
        try (Connection c = pg().connect()) {
            Map<RowKey, Row> expected = CdcHarness.pgRows(c, schema);
            return expected.equals(sink.rows(TABLE));
        }
    }

    @Test
    void aSlotLostWhileCaptureWasStoppedIsCreatedAgainAndTheTableReadAgainExactly() throws Exception {
        String slot = "lost";
        sql("CREATE TABLE public.kept (id int8 PRIMARY KEY, v int4)", "INSERT INTO public.kept SELECT g, 0 FROM generate_series(1, 1000) g",
                "CREATE TABLE public.filler (id int8, pad text)");
        PostgresSourceConfig config = PostgresSourceConfig.local(pg().port(), "postgres", "postgres", "", dir.resolve("offsets.dat"), slot)
                .withTablesInclude("public\\.kept");
        try (ChronicleChangeLog log = ChronicleChangeLog.open(ChronicleLogConfig.defaults(dir.resolve("log")).withMinFreeBytes(0))) {
            try (PostgresCdcSource source = new PostgresCdcSource(config, log)) {
                source.start();
                sql("UPDATE public.kept SET v = 1 WHERE id <= 10");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> sameAsPostgres(log));
            }
            // capture is down; the application goes on: deletes, updates and inserts the old slot will never deliver
            sql("DELETE FROM public.kept WHERE id <= 100", "UPDATE public.kept SET v = 2 WHERE id BETWEEN 101 AND 200",
                    "INSERT INTO public.kept SELECT g, 3 FROM generate_series(1001, 1100) g");
            sql("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'", "SELECT pg_reload_conf()");
            for (int i = 0; i < 20 && !"lost".equals(walStatus(slot)); i++) {
                sql("INSERT INTO public.filler SELECT g, repeat('x', 1000) FROM generate_series(1, 3000) g", "SELECT pg_switch_wal()",
                        "CHECKPOINT");
            }
            assertEquals("lost", walStatus(slot), "PostgreSQL invalidated the slot");
            sql("ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");

            try (PostgresCdcSource refusing = new PostgresCdcSource(config.withOnLostSlot(PostgresSourceConfig.LostSlot.FAIL), log)) {
                RheiException e = assertThrows(RheiException.class, refusing::start);
                assertTrue(e.getMessage().contains("replication slot lost was invalidated by PostgreSQL")
                        && e.getMessage().contains("max_slot_wal_keep_size") && e.getMessage().contains("source.slot.on-lost=resnapshot"),
                        e.getMessage());
            }
            assertEquals("lost", walStatus(slot), "refusing leaves the slot as it was");

            try (PostgresCdcSource source = new PostgresCdcSource(config, log)) {
                source.start();
                assertFalse(Files.exists(config.lostSlotMarkerFile()), "the re-snapshot is asked for: the marker is gone");
                sql("UPDATE public.kept SET v = 4 WHERE id BETWEEN 201 AND 210", "DELETE FROM public.kept WHERE id = 1100");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> sameAsPostgres(log));
                assertEquals("reserved", walStatus(slot), "a new slot");
            }
        } finally {
            sql("ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");
            CdcHarness.dropSlot(pg(), slot);
        }
    }
}
