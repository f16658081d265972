package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.Lsn;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Watermarks in the WAL: a transactional logical decoding message whose content is {@code pg_current_wal_insert_lsn()} at
 * the moment it is written. Logical decoding delivers transactions in commit order, so when the message arrives
 * every transaction that committed before that LSN has arrived before it, whichever tables it wrote, captured or not.
 * The heartbeat writes one every {@code source.heartbeat-interval}; read-your-writes asks for one on demand.
 */
final class WatermarkMessages {
    static final String HEARTBEAT_PREFIX = "rhei_heartbeat";
    static final String ON_DEMAND_PREFIX = "rhei_watermark";
    /** Writes a watermark and returns the LSN it marks. */
    static final String EMIT = "SELECT l::text, pg_logical_emit_message(true, '" + ON_DEMAND_PREFIX
            + "', l::text) FROM (SELECT pg_current_wal_insert_lsn() AS l OFFSET 0) now";

    private WatermarkMessages() {
    }

    /** The LSN a watermark message marks; -1 when {@code record} is not one (a change, another message, a heartbeat). */
    static long markedLsn(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("message") == null
                || !(value.get("message") instanceof Struct message) || message.schema().field("prefix") == null) {
            return -1;
        }
        String prefix = message.getString("prefix");
        if (!HEARTBEAT_PREFIX.equals(prefix) && !ON_DEMAND_PREFIX.equals(prefix)) {
            return -1;
        }
        Object content = message.get("content");
        String text = content instanceof byte[] b ? new String(b, StandardCharsets.UTF_8)
                : content instanceof java.nio.ByteBuffer bb ? StandardCharsets.UTF_8.decode(bb.duplicate()).toString()
                : content == null ? "" : content.toString();
        try {
            return Lsn.parse(text.strip());
        } catch (IllegalArgumentException e) {
            return -1; // a heartbeat of an older release carried its time instead
        }
    }

    /** Writes watermarks over one connection of its own, opened when first needed and again after a failure. */
    static final class Writer implements AutoCloseable {
        private final PostgresSourceConfig config;
        private Connection connection;

        Writer(PostgresSourceConfig config) {
            this.config = config;
        }

        /** Writes a watermark and returns the LSN it marks. */
        synchronized long emit() {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = config.connect();
                    connection.setAutoCommit(true);
                    try (Statement st = connection.createStatement()) {
                        // The walsender sends only flushed WAL. Committing the mark synchronously flushes it and every
                        // commit before it, which on a server with synchronous_commit=off would otherwise wait for the WAL
                        // writer (wal_writer_delay, 200 ms by default).
                        st.execute("SET synchronous_commit = on");
                    }
                }
                try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(EMIT)) {
                    rs.next();
                    return Lsn.parse(rs.getString(1));
                }
            } catch (SQLException e) {
                close();
                throw new RheiException("cannot write a watermark to PostgreSQL " + config.jdbcUrl() + " (pg_logical_emit_message needs "
                        + "the REPLICATION attribute or superuser): " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // closing a broken connection
                }
                connection = null;
            }
        }
    }
}
