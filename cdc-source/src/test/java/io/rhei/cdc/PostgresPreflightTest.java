package io.rhei.cdc;

import io.rhei.core.RheiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a new user's role or server lacks, named by the preflight with the statement that fixes it. */
class PostgresPreflightTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    @TempDir
    Path dir;

    private static void sql(String database, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PG.server().port() + "/" + database, "postgres", "");
             Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private PostgresSourceConfig config(String user, String slot, String tables) {
        return PostgresSourceConfig.local(PG.server().port(), "postgres", user, "", dir.resolve("offsets"), slot).withTablesInclude(tables);
    }

    private String refusal(PostgresSourceConfig config) {
        return assertThrows(RheiException.class, () -> PostgresPreflight.check(config)).getMessage();
    }

    @Test
    void aLeastPrivilegeRoleIsToldEachGrantItLacksInTurn() throws SQLException {
        sql("postgres", "CREATE TABLE pre_orders (id int PRIMARY KEY, v text)", "CREATE ROLE app_cdc LOGIN REPLICATION");
        PostgresSourceConfig config = config("app_cdc", "pre_slot", "public.pre_orders");
        assertEquals("role app_cdc may not create publication pre_slot_pub in database postgres: GRANT CREATE ON DATABASE postgres TO app_cdc;"
                + " or create it as its owner (CREATE PUBLICATION pre_slot_pub;) and ALTER PUBLICATION ... OWNER TO app_cdc;", refusal(config));
        sql("postgres", "GRANT CREATE ON DATABASE postgres TO app_cdc");
        assertEquals("role app_cdc may not read public.pre_orders: GRANT SELECT ON public.pre_orders TO app_cdc;"
                + " (or leave them out with source.tables.exclude)", refusal(config));
        sql("postgres", "GRANT SELECT ON public.pre_orders TO app_cdc");
        assertEquals("role app_cdc does not own public.pre_orders (owner postgres), and PostgreSQL lets only a table's owner add it to"
                + " publication pre_slot_pub: as postgres, CREATE PUBLICATION pre_slot_pub FOR TABLE public.pre_orders;"
                + " ALTER PUBLICATION pre_slot_pub OWNER TO app_cdc; or ALTER TABLE public.pre_orders OWNER TO app_cdc;"
                + " (or leave them out with source.tables.exclude)", refusal(config));
        // the fix as the message gives it: the publication made by the owner, then handed over
        sql("postgres", "CREATE PUBLICATION pre_slot_pub FOR TABLE public.pre_orders", "ALTER PUBLICATION pre_slot_pub OWNER TO app_cdc");
        assertDoesNotThrow(() -> PostgresPreflight.check(config));
    }

    @Test
    void aPublicationOwnedBySomeoneElseIsNamedWithItsOwner() throws SQLException {
        sql("postgres", "CREATE TABLE pub_t (id int PRIMARY KEY)", "CREATE ROLE pub_owner", "CREATE ROLE pub_user LOGIN REPLICATION",
                "CREATE PUBLICATION other_pub", "ALTER PUBLICATION other_pub OWNER TO pub_owner", "GRANT SELECT ON pub_t TO pub_user");
        PostgresSourceConfig config = new PostgresSourceConfig("127.0.0.1", PG.server().port(), "postgres", "pub_user", "", "public.pub_t", "", "",
                "pub_slot", "other_pub", "initial", java.time.Duration.ofSeconds(10), "", dir.resolve("offsets"), "rhei-pub", "", 1000,
                PostgresSourceConfig.KeylessTables.SKIP, PostgresSourceConfig.LostSlot.RESNAPSHOT,
                PostgresSourceConfig.SnapshotMethod.BULK, 2);
        assertEquals("publication other_pub is owned by pub_owner, and role pub_user may not change its tables: ALTER PUBLICATION other_pub"
                + " OWNER TO pub_user; (as pub_owner or a superuser), or set source.publication to a publication of pub_user", refusal(config));
    }

    @Test
    void aSlotOfAnotherDatabaseIsAnotherSidecarsAndIsRefused() throws SQLException {
        sql("postgres", "CREATE DATABASE shop_two");
        sql("shop_two", "SELECT pg_create_logical_replication_slot('rhei', 'pgoutput')");
        try {
            assertEquals("replication slot rhei belongs to database shop_two, not postgres (another Rhei on this server?): each database"
                    + " needs a slot of its own; set source.slot, for instance source.slot=rhei_postgres", refusal(config("postgres", "rhei", "")));
        } finally {
            sql("shop_two", "SELECT pg_drop_replication_slot('rhei')");
        }
    }
}
