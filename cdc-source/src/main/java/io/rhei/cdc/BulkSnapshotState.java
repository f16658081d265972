package io.rhei.cdc;

import io.rhei.core.RheiException;
import io.rhei.core.model.TableId;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the bulk snapshot has done, kept next to Debezium's offsets so that a restart continues it: the replication
 * slot's consistent point (the exported snapshot's place in the WAL), each table's page ranges and which of them are
 * durable in the log. (Where streaming must pass after a restart read the rest with a newer snapshot is not kept here:
 * each resumed read takes its own, and {@link InitialSnapshot} records it.) Rewritten whole ({@link DurableFile}) after
 * each range.
 */
final class BulkSnapshotState {
    private final Path file;
    private final Properties p;

    private BulkSnapshotState(Path file, Properties p) {
        this.file = file;
        this.p = p;
    }

    static BulkSnapshotState load(Path file) {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new RheiException("cannot read the bulk snapshot's state " + file + ": " + e.getMessage(), e);
            }
        }
        return new BulkSnapshotState(file, p);
    }

    /** The slot's consistent point, 0 before the slot was created. */
    synchronized long consistentLsn() {
        return Long.parseLong(p.getProperty("consistent-lsn", "0"));
    }

    /** Forgets everything: the snapshot starts over from a new slot. */
    synchronized void startOver(long consistentLsn) {
        p.clear();
        p.setProperty("consistent-lsn", Long.toString(consistentLsn));
    }

    synchronized void ranges(TableId table, long[] startPages) {
        p.setProperty("ranges." + table, Arrays.stream(startPages).mapToObj(Long::toString).collect(Collectors.joining(",")));
    }

    /** The first page of each range (the last range runs to the table's end); null when not planned yet. */
    synchronized long[] ranges(TableId table) {
        String s = p.getProperty("ranges." + table);
        return s == null ? null : Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray();
    }

    synchronized TreeSet<Integer> done(TableId table) {
        TreeSet<Integer> out = new TreeSet<>();
        String s = p.getProperty("done." + table, "");
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(Integer.parseInt(part.strip()));
            }
        }
        return out;
    }

    synchronized void rangeDone(TableId table, int range) {
        TreeSet<Integer> done = done(table);
        done.add(range);
        p.setProperty("done." + table, done.stream().map(String::valueOf).collect(Collectors.joining(",")));
        save();
    }

    synchronized void save() {
        try {
            StringWriter w = new StringWriter();
            p.store(w, "Rhei's bulk snapshot: delete only together with the change log and the offsets");
            DurableFile.replace(file, w.toString().getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new RheiException("cannot write the bulk snapshot's state " + file + ": " + e.getMessage(), e);
        }
    }
}
