package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.SqlIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Checks, before capture starts, what would otherwise fail deep inside Debezium with a vague message. */
public final class PostgresPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresPreflight.class);

    private PostgresPreflight() {
    }

    /**
     * @return the captured tables to leave out of the publication: tables without primary key or replica identity,
     *         whose UPDATE and DELETE PostgreSQL refuses once they are published (unless source.keyless-tables=capture)
     * @throws RheiException saying exactly what is wrong and how to fix it
     */
    public static java.util.List<String> check(PostgresSourceConfig config) {
        try (Connection c = config.connect(); Statement st = c.createStatement()) {
            String walLevel = single(st, "SHOW wal_level");
            if (!"logical".equals(walLevel)) {
                throw new RheiException("PostgreSQL at " + config.host() + ":" + config.port() + " has wal_level=" + walLevel
                        + "; change data capture needs wal_level=logical (ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL)");
            }
            String canReplicate = single(st, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user");
            if (!"true".equals(canReplicate)) {
                throw new RheiException("role " + config.user() + " may not open a replication connection: ALTER ROLE "
                        + config.user() + " WITH REPLICATION; (and GRANT SELECT on the captured tables)");
            }
            checkSlot(c, config);
            checkPublication(c, config);
            java.util.List<String> leftOut = keyless(st, config);
            checkTables(c, config.withTablesLeftOut(leftOut));
            return leftOut;
        } catch (SQLException e) {
            throw new RheiException("cannot connect to PostgreSQL at " + config.host() + ":" + config.port() + "/" + config.database()
                    + " as " + config.user() + ": " + e.getMessage() + " (check source.host, source.port, the password and pg_hba.conf)", e);
        }
    }

    /**
     * Captured tables without primary key, reported once each with both fixes. With REPLICA IDENTITY DEFAULT or NOTHING
     * such a table has no identity: published, PostgreSQL refuses the application's UPDATE and DELETE on it, so by
     * default it is left out. With FULL it is captured (rows matched by all their columns); with an index, by it.
     */
    private static java.util.List<String> keyless(Statement st, PostgresSourceConfig config) throws SQLException {
        java.util.List<String> leftOut = new java.util.ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT n.nspname || '.' || c.relname, c.relreplident FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                + "AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) ORDER BY 1")) {
            while (rs.next()) {
                String table = rs.getString(1);
                String identity = rs.getString(2);
                if ("f".equals(identity) || "i".equals(identity) || !captured(config, table)) {
                    continue;
                }
                String fixes = "ALTER TABLE " + table + " REPLICA IDENTITY FULL; or add a primary key";
                if (config.keylessTables() == PostgresSourceConfig.KeylessTables.SKIP) {
                    leftOut.add(table);
                    LOG.warn("table {} is not captured: it has no primary key and no replica identity, and once published PostgreSQL "
                            + "would refuse the application's UPDATE and DELETE on it; to capture it: {} (or source.keyless-tables=capture, "
                            + "which lets those writes fail)", table, fixes);
                } else {
                    LOG.warn("table {} is captured without primary key or replica identity (source.keyless-tables=capture): PostgreSQL "
                            + "refuses UPDATE and DELETE on it until {}", table, fixes.replace("; or add", ", or a"));
                }
            }
        }
        return leftOut;
    }

    /** The slot, when it exists, must be a pgoutput slot of this database: another database's is another sidecar's. */
    private static void checkSlot(Connection c, PostgresSourceConfig config) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT plugin, database FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, config.slot());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                String plugin = rs.getString(1);
                String database = rs.getString(2);
                if (!config.database().equals(database)) {
                    throw new RheiException("replication slot " + config.slot() + " belongs to database " + database + ", not "
                            + config.database() + " (another Rhei on this server?): each database needs a slot of its own; set source.slot, "
                            + "for instance source.slot=rhei_" + config.database().replaceAll("[^a-z0-9_]", "_"));
                }
                if (!"pgoutput".equals(plugin)) {
                    throw new RheiException("replication slot " + config.slot() + " exists with plugin " + plugin
                            + "; Rhei needs pgoutput: drop it (SELECT pg_drop_replication_slot('" + config.slot() + "')) or set source.slot");
                }
            }
        }
    }

    /**
     * Rhei creates the publication when missing and sets its tables (Debezium's filtered mode): creating needs CREATE
     * on the database, setting the tables needs owning the publication (and, below, the tables).
     */
    private static void checkPublication(Connection c, PostgresSourceConfig config) throws SQLException {
        String user = config.user();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_userbyid(pubowner), pg_has_role(current_user, pubowner, 'USAGE') "
                + "OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, config.publication());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (!rs.getBoolean(2)) {
                        throw new RheiException("publication " + config.publication() + " is owned by " + rs.getString(1) + ", and role " + user
                                + " may not change its tables: ALTER PUBLICATION " + SqlIdentifiers.quote(config.publication()) + " OWNER TO " + SqlIdentifiers.quote(user)
                                + "; (as " + rs.getString(1) + " or a superuser), or set source.publication to a publication of " + user);
                    }
                    return;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            if (!"true".equals(single(st, "SELECT has_database_privilege(current_database(), 'CREATE')::text"))) {
                throw new RheiException("role " + user + " may not create publication " + config.publication() + " in database "
                        + config.database() + ": GRANT CREATE ON DATABASE " + SqlIdentifiers.quote(config.database()) + " TO " + SqlIdentifiers.quote(user)
                        + "; or create it as its owner (CREATE PUBLICATION " + SqlIdentifiers.quote(config.publication()) + ";) and ALTER PUBLICATION ... OWNER TO "
                        + SqlIdentifiers.quote(user) + ";");
            }
        }
    }

    /**
     * Every captured table must be readable (the snapshot) and owned by the role (PostgreSQL lets only a table's
     * owner add it to a publication); keyless tables are reported once, with both fixes.
     */
    private static void checkTables(Connection c, PostgresSourceConfig config) throws SQLException {
        java.util.List<String> unreadable = new java.util.ArrayList<>();
        java.util.Map<String, java.util.List<String>> notOwned = new java.util.TreeMap<>();
        // a table the publication already has needs no owner to add it
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname || '.' || c.relname, "
                + "has_table_privilege(c.oid, 'SELECT'), pg_has_role(current_user, c.relowner, 'USAGE') "
                + "OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR EXISTS (SELECT 1 FROM pg_publication_tables pt "
                + "WHERE pt.pubname = ? AND pt.schemaname = n.nspname AND pt.tablename = c.relname), pg_get_userbyid(c.relowner) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1")) {
            ps.setString(1, config.publication());
            try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String table = rs.getString(1);
                if (!captured(config, table)) {
                    continue;
                }
                if (!rs.getBoolean(2)) {
                    unreadable.add(table);
                }
                if (!rs.getBoolean(3)) {
                    notOwned.computeIfAbsent(rs.getString(4), k -> new java.util.ArrayList<>()).add(table);
                }
            }
            }
        }
        String user = SqlIdentifiers.quote(config.user());
        if (!unreadable.isEmpty()) {
            throw new RheiException("role " + config.user() + " may not read " + String.join(", ", unreadable) + ": GRANT SELECT ON "
                    + String.join(", ", unreadable) + " TO " + user + "; (or leave them out with source.tables.exclude)");
        }
        if (!notOwned.isEmpty()) {
            var first = notOwned.entrySet().iterator().next();
            String tables = String.join(", ", first.getValue());
            String publication = SqlIdentifiers.quote(config.publication());
            throw new RheiException("role " + config.user() + " does not own " + tables + " (owner " + first.getKey()
                    + "), and PostgreSQL lets only a table's owner add it to publication " + config.publication() + ": as " + first.getKey()
                    + ", CREATE PUBLICATION " + publication + " FOR TABLE " + tables + "; ALTER PUBLICATION " + publication + " OWNER TO "
                    + user + "; or ALTER TABLE " + tables + " OWNER TO " + user + "; (or leave them out with source.tables.exclude)");
        }
    }

    /** Whether {@code schema.table} is in source.tables.include (all when empty) and not in source.tables.exclude. */
    static boolean captured(PostgresSourceConfig config, String qualified) {
        return !qualified.equals(config.signalTable())
                && (config.tablesInclude().isBlank() || matchesAny(config.tablesInclude(), qualified))
                && (config.tablesExclude().isBlank() || !matchesAny(config.tablesExclude(), qualified));
    }

    private static boolean matchesAny(String commaSeparatedRegexes, String qualified) {
        for (String regex : commaSeparatedRegexes.split(",")) {
            if (!regex.isBlank() && java.util.regex.Pattern.compile(regex.trim()).matcher(qualified).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Captured tables of the database that the change log does not know yet (added to the include list since). */
    static java.util.List<io.rhei.core.model.TableId> newlyIncluded(PostgresSourceConfig config, java.util.Set<io.rhei.core.model.TableId> known) {
        java.util.List<io.rhei.core.model.TableId> out = new java.util.ArrayList<>();
        try (Connection c = config.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     + "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
            while (rs.next()) {
                io.rhei.core.model.TableId id = io.rhei.core.model.TableId.of(rs.getString(1), rs.getString(2));
                if (captured(config, rs.getString(1) + "." + rs.getString(2)) && !known.contains(id)) {
                    out.add(id);
                }
            }
        } catch (SQLException e) {
            throw new RheiException("cannot list the tables of " + config.database() + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
