package io.rhei;

import io.rhei.core.RheiException;
import io.rhei.core.config.Settings;
import io.rhei.core.engine.SyncEngine;
import io.rhei.core.engine.SyncEngineConfig;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.model.TableId;
import io.rhei.storage.StorageConfig;
import io.rhei.storage.TableSnapshot;
import io.rhei.storage.TableStorage;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * The replay tool embedded: rebuilds durable tables from a change log alone, with no PostgreSQL. Each table stores
 * the sequence it has applied with its data, so an interrupted replay continues where its tables stand when run
 * again, and a finished one does nothing.
 *
 * <pre>{@code
 * try (Replay replay = Replay.builder().log(Path.of("rhei-log")).storage("s3://bucket/tables").build()) {
 *     replay.run(eventsRead -> progress.show(eventsRead));
 * }
 * }</pre>
 *
 * <p>{@link #run} applies on a thread of its own ({@code rhei-replay}) and calls its progress callback on the
 * caller's thread about once a second; {@link #stop()} (from any thread, e.g. a shutdown hook) applies what is
 * pending and makes {@code run} return.
 */
public final class Replay implements AutoCloseable {
    private final BufferAllocator allocator = new RootAllocator();
    private final ChangeLog log;
    private final TableStorage tables;
    private final SyncEngine engine;
    private final long from;
    private final long end;
    private volatile Thread worker;

    private Replay(String logLocation, Settings settings, Long untilSeq) {
        StorageConfig storage = StorageConfig.from(settings);
        if (storage.inMemory()) {
            throw new RheiException("replay needs durable storage (a directory or s3://bucket/prefix): tables in memory would be lost at exit");
        }
        this.log = ChangeLogs.openForReplay(logLocation);
        try {
            this.tables = storage.open(allocator);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        this.end = untilSeq == null ? log.lastSeq() : Math.min(untilSeq, log.lastSeq());
        this.from = startingPoint();
        this.engine = SyncEngine.builder(log, tables).config(SyncEngineConfig.from(settings)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String log;
        private String storage;
        private Long untilSeq;
        private final Map<String, String> keys = new HashMap<>();

        private Builder() {
        }

        /** The change log directory (the {@code log.dir} of the sidecar that recorded it). */
        public Builder log(Path directory) {
            this.log = Objects.requireNonNull(directory, "directory").toString();
            return this;
        }

        /** A change log directory, or a Kafka log topic as {@code kafka://host:port[,host:port]/topic}. */
        public Builder log(String location) {
            this.log = Objects.requireNonNull(location, "location");
            return this;
        }

        /** Where the tables go: a directory or {@code s3://bucket/prefix}. */
        public Builder storage(String uri) {
            this.storage = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** Stop after this log sequence (default: the end of the log). */
        public Builder untilSeq(long seq) {
            this.untilSeq = seq;
            return this;
        }

        /** Any {@code storage.*} or {@code sync.*} key. */
        public Builder set(String key, String value) {
            keys.put(key, value);
            return this;
        }

        public Replay build() {
            if (log == null || storage == null) {
                throw new RheiException("Replay.builder(): set the log directory and the storage");
            }
            Map<String, String> all = new HashMap<>(keys);
            all.put(StorageConfig.URI.name(), storage);
            Settings settings = Settings.of(all);
            settings.check("Replay.builder()", RheiConfig.KEYS);
            return new Replay(log, settings, untilSeq);
        }
    }

    /** The first sequence this replay applies. */
    public long fromSeq() {
        return from;
    }

    /** The last sequence it applies. */
    public long untilSeq() {
        return end;
    }

    /** Whether the tables already hold everything up to {@link #untilSeq()}. */
    public boolean upToDate() {
        return from > end;
    }

    /**
     * Applies sequences {@link #fromSeq()}..{@link #untilSeq()}, calling {@code progress} with the events read so
     * far about once a second and at the end. What was applied is kept whatever happens.
     *
     * @throws RheiException when the replay stops on a failure (run again after fixing it to continue)
     */
    public void run(LongConsumer progress) throws InterruptedException {
        if (upToDate()) {
            return;
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                engine.runUntil(end);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "rhei-replay");
        this.worker = worker;
        worker.start();
        while (worker.isAlive()) {
            worker.join(Duration.ofSeconds(1).toMillis());
            progress.accept(engine.metrics().eventsRead());
        }
        if (failure.get() != null) {
            throw new RheiException("replay stopped: " + failure.get().getMessage() + "; what was applied is kept: fix the cause and run "
                    + "again to continue", failure.get());
        }
    }

    /** Applies what is pending and makes {@link #run} return; the next replay continues from there. */
    public void stop() {
        engine.stop();
        Thread w = worker;
        if (w != null) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every table: rows, the applied sequence and the number of data files. */
    public List<TableStatus> tables() {
        List<TableStatus> out = new ArrayList<>();
        for (TableId t : new TreeSet<>(tables.tables())) {
            try (TableSnapshot s = tables.snapshot(t)) {
                out.add(new TableStatus(t.toString(), s.rowCount(), s.appliedSeq(), "0/0", null));
            }
        }
        return out;
    }

    /** Data files per table, for the summary the command prints. */
    public int fileCount(String table) {
        try (TableSnapshot s = tables.snapshot(TableId.parse(table))) {
            return s.fileCount();
        }
    }

    /** The first sequence no table has applied (tables record their applied sequence with their data). */
    private long startingPoint() {
        long min = Long.MAX_VALUE;
        for (TableId t : tables.tables()) {
            min = Math.min(min, tables.appliedSeq(t));
        }
        return min == Long.MAX_VALUE ? Math.max(1, log.firstSeq()) : min + 1;
    }

    @Override
    public void close() {
        tables.close();
        log.close();
        allocator.close();
    }
}
