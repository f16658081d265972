package io.rhei.bench;

import io.rhei.core.metrics.LatencyHistogram;
import io.rhei.testing.EmbeddedPostgresServer;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The baseline of freshness: PostgreSQL's own logical decoding delivering commits to a client, measured beside Rhei
 * in the same run. A second slot with {@code test_decoding} (commit timestamps included) is read by pgjdbc's
 * replication stream on a thread of its own; each COMMIT's latency is its arrival minus its commit time.
 */
final class DecodingLatencyProbe implements AutoCloseable {
    private static final String SLOT = "rhei_bench_probe";
    private final EmbeddedPostgresServer pg;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread reader;
    private final Connection replication;
    private final PGReplicationStream stream;

    DecodingLatencyProbe(EmbeddedPostgresServer pg) throws SQLException {
        this.pg = pg;
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'test_decoding')");
        }
        Properties p = new Properties();
        PGProperty.USER.set(p, "postgres");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        replication = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", p);
        stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical().withSlotName(SLOT)
                .withSlotOption("include-timestamp", true).withSlotOption("skip-empty-xacts", true)
                .withStatusInterval(1, TimeUnit.SECONDS).start();
        reader = new Thread(this::read, "decoding-latency-probe");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (!stop.get()) {
                ByteBuffer msg = stream.readPending();
                if (msg == null) {
                    Thread.sleep(1);
                    continue;
                }
                long nowMicros = nowMicros();
                String text = StandardCharsets.UTF_8.decode(msg).toString();
                if (text.startsWith("COMMIT")) {
                    int at = text.indexOf("(at ");
                    if (at > 0) {
                        latency.record(nowMicros - commitMicros(text.substring(at + 4, text.lastIndexOf(')'))));
                    }
                }
                stream.setAppliedLSN(stream.getLastReceiveLSN());
                stream.setFlushedLSN(stream.getLastReceiveLSN());
            }
        } catch (SQLException | InterruptedException e) {
            if (!stop.get()) {
                throw new IllegalStateException("the decoding latency probe failed: " + e.getMessage(), e);
            }
        }
    }

    /** test_decoding prints {@code 2026-12-06 21:24:58.904517+00}. */
    static long commitMicros(String timestamp) {
        String iso = timestamp.strip().replace(' ', 'T');
        if (iso.matches(".*[+-]\\d\\d$")) {
            iso = iso + ":00";
        }
        OffsetDateTime t = OffsetDateTime.parse(iso);
        return t.toEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    LatencyHistogram latency() {
        return latency;
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        reader.join(5000);
        stream.close();
        replication.close();
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot('" + SLOT + "')");
        }
    }
}
