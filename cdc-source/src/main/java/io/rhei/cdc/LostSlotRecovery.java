package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.TableId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A replication slot PostgreSQL invalidated because capture fell more than {@code max_slot_wal_keep_size} behind
 * ({@code wal_status} 'lost'): the changes after the slot's position are gone from the WAL, and Debezium can only fail
 * on it again and again. The copy can be made exact again only by reading the tables again.
 *
 * <p>With {@code source.slot.on-lost=resnapshot} (the default): the captured tables are written to a marker file
 * ({@link PostgresSourceConfig#lostSlotMarkerFile()}), the lost slot is dropped and created again, Debezium's offsets
 * (positions of the old slot) are moved aside, and once the capture's configuration is settled every captured table is
 * re-snapshotted as {@code rhei resync} does: replaced at the signal's place in the new slot's stream, so that rows
 * deleted meanwhile go too. The marker is deleted once that is asked for; a process that dies on the way finds it
 * and does the remaining steps again (each is idempotent). With {@code fail}, capture stops with the fix.
 */
final class LostSlotRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LostSlotRecovery.class);

    private LostSlotRecovery() {
    }

    /**
     * Before capture starts: when the slot is lost (or a recovery was interrupted), makes a new slot and clears the old
     * offsets. Returns the tables to read again, or an empty list when the slot is fine.
     */
    static List<TableId> prepare(PostgresSourceConfig config) {
        Path marker = config.lostSlotMarkerFile();
        try (Connection c = config.connect()) {
            String walStatus = walStatus(c, config.slot());
            boolean lost = "lost".equals(walStatus);
            if (!lost && !Files.exists(marker)) {
                return List.of();
            }
            if (lost && !Files.exists(marker)) {
                if (config.onLostSlot() == PostgresSourceConfig.LostSlot.FAIL) {
                    throw new RheiException("replication slot " + config.slot() + " was invalidated by PostgreSQL: capture fell further "
                            + "behind than max_slot_wal_keep_size allows, and the changes since are gone from the WAL. Set source.slot.on-lost=resnapshot to drop the slot, create it again and read every captured "
                            + "table again (source.slot.on-lost=fail is set)");
                }
                List<TableId> keyed = new ArrayList<>();
                List<TableId> keyless = new ArrayList<>();
                InitialSnapshot.listCapturedTables(c, config, keyed, keyless);
                List<TableId> all = new ArrayList<>(keyed);
                all.addAll(keyless);
                writeMarker(marker, all);
                LOG.warn("replication slot {} was invalidated by PostgreSQL (capture fell further behind than max_slot_wal_keep_size allows): "
                        + "the changes since are gone from the WAL. Creating the slot again and reading the {} captured tables again, "
                        + "each replaced as it is read (source.slot.on-lost=resnapshot); queries see the old rows until then",
                        config.slot(), all.size());
            }
            if (lost) {
                dropWhenInactive(c, config.slot());
                walStatus = null;
            }
            if (walStatus == null) {
                // created here rather than by Debezium: its consistent point is known when this returns, so the re-snapshot's
                // signal, written after it, is in the stream
                execute(c, "SELECT pg_create_logical_replication_slot(?, 'pgoutput')", config.slot());
                LOG.info("replication slot {} created again", config.slot());
            }
            Path offsets = config.offsetsFile();
            if (Files.exists(offsets)) {
                Path aside = offsets.resolveSibling(offsets.getFileName() + ".before-slot-lost");
                Files.move(offsets, aside, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Debezium's offsets of the old slot moved aside to {}", aside);
            }
            return readMarker(marker);
        } catch (SQLException e) {
            throw new RheiException("cannot check replication slot " + config.slot() + " on " + config + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RheiException("cannot recover from the lost replication slot " + config.slot() + " (" + marker + "): " + e.getMessage(), e);
        }
    }

    /** Once the capture's configuration is settled: asks for the re-snapshot of {@code tables}, then forgets the marker. */
    static void requestResnapshot(PostgresSourceConfig effective, List<TableId> tables) {
        ResyncSignal.request(effective, "after the lost slot", tables);
        try {
            Files.deleteIfExists(effective.lostSlotMarkerFile());
        } catch (IOException e) {
            throw new RheiException("cannot delete " + effective.lostSlotMarkerFile() + ": " + e.getMessage(), e);
        }
    }

    /** The slot's wal_status ('reserved', 'extended', 'unreserved', 'lost'), or null when there is no such slot. */
    private static String walStatus(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(wal_status, '') FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Drops the slot once no walsender holds it (a capture that just failed on it may for a moment). */
    private static void dropWhenInactive(Connection c, String slot) throws SQLException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name), true FROM pg_replication_slots "
                    + "WHERE slot_name = ? AND active_pid IS NULL")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new RheiException("replication slot " + slot + " is lost but still held by a walsender after 30 s: stop the other "
                        + "client of it (pg_replication_slots.active_pid), then start again");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RheiException("interrupted while waiting to drop the lost replication slot " + slot);
            }
        }
    }

    private static void execute(Connection c, String sql, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, slot);
            ps.execute();
        }
    }

    private static void writeMarker(Path marker, List<TableId> tables) throws IOException {
        StringBuilder text = new StringBuilder();
        tables.forEach(t -> text.append(t).append('\n'));
        DurableFile.replace(marker, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static List<TableId> readMarker(Path marker) throws IOException {
        List<TableId> out = new ArrayList<>();
        for (String line : Files.readAllLines(marker, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(TableId.parse(line.strip()));
            }
        }
        return out;
    }
}
