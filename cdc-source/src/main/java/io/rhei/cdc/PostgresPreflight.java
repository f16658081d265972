package io.rhei.cdc;

import io.rhei.core.RheiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Checks, before capture starts, what would otherwise fail deep inside Debezium with a vague message. */
public final class PostgresPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresPreflight.class);

    private PostgresPreflight() {
    }

    /** @throws RheiException saying exactly what is wrong and how to fix it */
    public static void check(PostgresSourceConfig config) {
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
            String slotPlugin = single(st, "SELECT coalesce((SELECT plugin FROM pg_replication_slots WHERE slot_name = '"
                    + config.slot() + "'), '')");
            if (!slotPlugin.isEmpty() && !"pgoutput".equals(slotPlugin)) {
                throw new RheiException("replication slot " + config.slot() + " exists with plugin " + slotPlugin
                        + "; Rhei needs pgoutput: drop it (SELECT pg_drop_replication_slot('" + config.slot() + "')) or set source.slot");
            }
            try (ResultSet rs = st.executeQuery("SELECT n.nspname || '.' || c.relname, c.relreplident FROM pg_class c "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
                    + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                    + "AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)")) {
                while (rs.next()) {
                    if (!"f".equals(rs.getString(2)) && captured(config, rs.getString(1))) {
                        LOG.warn("table {} has no primary key and REPLICA IDENTITY {}: its updates and deletes cannot be captured "
                                        + "as row changes (ALTER TABLE {} ADD PRIMARY KEY (...), or REPLICA IDENTITY FULL)",
                                rs.getString(1), rs.getString(2).equals("d") ? "DEFAULT" : rs.getString(2), rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new RheiException("cannot connect to PostgreSQL at " + config.host() + ":" + config.port() + "/" + config.database()
                    + " as " + config.user() + ": " + e.getMessage() + " (check source.host, source.port, the password and pg_hba.conf)", e);
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
