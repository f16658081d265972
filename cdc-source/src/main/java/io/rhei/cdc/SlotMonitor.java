package io.rhei.cdc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the replication slot from PostgreSQL's side, every {@code interval}: how far its confirmed position is
 * behind the server's WAL (the replication lag in bytes), how much WAL it makes the server keep, and whether it
 * advances. A slot that has not advanced for {@code stallTimeout} while the server wrote WAL is stalled: the
 * server is keeping WAL for it that nothing consumes (disk fills up on the database host).
 */
public final class SlotMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotMonitor.class);
    private final PostgresSourceConfig config;
    private final Duration stallTimeout;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rhei-slot-monitor");
        t.setDaemon(true);
        return t;
    });
    private Connection connection;
    private volatile long lagBytes = -1;
    private volatile long retainedBytes = -1;
    private volatile String confirmed;
    private volatile long lastAdvanceMillis = System.currentTimeMillis();
    private volatile boolean warned;

    public SlotMonitor(PostgresSourceConfig config, Duration interval, Duration stallTimeout) {
        this.config = config;
        this.stallTimeout = stallTimeout;
        timer.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** WAL bytes between the server's current position and the slot's confirmed one; -1 when unknown. */
    public long lagBytes() {
        return lagBytes;
    }

    /** WAL bytes the server keeps for the slot (from its restart position); -1 when unknown. */
    public long retainedBytes() {
        return retainedBytes;
    }

    /** Seconds since the slot's confirmed position last moved. */
    public long secondsSinceAdvance() {
        return (System.currentTimeMillis() - lastAdvanceMillis) / 1000;
    }

    /** Why the slot is unhealthy, or null: it has not advanced for the stall timeout while WAL was written. */
    public String problem() {
        long lag = lagBytes;
        if (lag > 0 && System.currentTimeMillis() - lastAdvanceMillis > stallTimeout.toMillis()) {
            return "replication slot " + config.slot() + " has not advanced for " + secondsSinceAdvance() + " s and is " + (lag >> 10)
                    + " KB behind (PostgreSQL keeps " + (retainedBytes >> 20) + " MB of WAL for it)";
        }
        return null;
    }

    private void check() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
            }
            try (PreparedStatement st = connection.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::int8, "
                    + "pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::int8, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
                st.setString(1, config.slot());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        lagBytes = -1;
                        retainedBytes = -1;
                        return;
                    }
                    lagBytes = rs.getLong(1);
                    retainedBytes = rs.getLong(2);
                    String now = rs.getString(3);
                    if (!now.equals(confirmed) || lagBytes == 0) {
                        confirmed = now;
                        lastAdvanceMillis = System.currentTimeMillis();
                    }
                }
            }
            String problem = problem();
            if (problem != null && !warned) {
                LOG.warn("{}: is capture running? see /health", problem);
            }
            warned = problem != null;
        } catch (SQLException e) {
            lagBytes = -1;
            retainedBytes = -1;
            closeConnection();
            LOG.debug("slot check failed (PostgreSQL unreachable?): {}", e.getMessage());
        }
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // closing a broken connection
        }
        connection = null;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
