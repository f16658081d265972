package io.rhei.core.log;

import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ChronicleChangeLog}. Keys in the properties file ({@code io.rhei.core.config}):
 * <pre>
 * log.dir              directory of the queue (required)
 * log.fsync            batch (default): every append call ends with an fsync of what it wrote;
 *                      none: the OS writes pages back when it likes (survives a process crash, not power loss)
 * log.roll-cycle       segment length: FAST_HOURLY (default), FAST_DAILY, ... (Chronicle RollCycles names)
 * log.retention        how old a segment must be before retention may delete it (default 7d)
 * log.min-free-bytes   refuse appends when the disk has less free space (default 128 MiB)
 * </pre>
 */
public record ChronicleLogConfig(Path directory, FsyncPolicy fsync, RollCycle rollCycle, Duration retention,
                                 long minFreeBytes, TimeProvider clock) {

    public enum FsyncPolicy {
        /** fsync at the end of every append call: what a source may acknowledge is on disk. */
        BATCH,
        /** no fsync: survives process crashes (the pages are in the OS), not power loss. For tests and replays. */
        NONE
    }

    public ChronicleLogConfig {
        Objects.requireNonNull(directory, "log directory");
        Objects.requireNonNull(fsync, "fsync policy");
        Objects.requireNonNull(rollCycle, "roll cycle");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(clock, "clock");
        if (retention.isNegative()) {
            throw new IllegalArgumentException("log.retention must not be negative, got " + retention);
        }
    }

    public static ChronicleLogConfig defaults(Path directory) {
        return new ChronicleLogConfig(directory, FsyncPolicy.BATCH, RollCycles.FAST_HOURLY, Duration.ofDays(7), 128L << 20,
                net.openhft.chronicle.core.time.SystemTimeProvider.INSTANCE);
    }

    public static final java.util.List<String> KEYS = java.util.List.of("log.dir", "log.fsync", "log.roll-cycle",
            "log.retention", "log.min-free-bytes");

    /** From configuration keys (see the class comment); {@code log.dir} is required. */
    public static ChronicleLogConfig from(io.rhei.core.config.Settings s) {
        ChronicleLogConfig d = defaults(Path.of(s.require("log.dir")));
        String fsync = s.getString("log.fsync", "batch").toUpperCase(java.util.Locale.ROOT);
        FsyncPolicy policy;
        try {
            policy = FsyncPolicy.valueOf(fsync);
        } catch (IllegalArgumentException e) {
            throw new io.rhei.core.RheiException("configuration key log.fsync must be batch or none, got '" + fsync.toLowerCase(java.util.Locale.ROOT) + "'");
        }
        String cycleName = s.getString("log.roll-cycle", "FAST_HOURLY").toUpperCase(java.util.Locale.ROOT);
        RollCycle cycle;
        try {
            cycle = RollCycles.valueOf(cycleName);
        } catch (IllegalArgumentException e) {
            throw new io.rhei.core.RheiException("configuration key log.roll-cycle names no Chronicle roll cycle: '" + cycleName
                    + "' (try FAST_HOURLY or FAST_DAILY)");
        }
        return new ChronicleLogConfig(d.directory(), policy, cycle, s.getDuration("log.retention", d.retention()),
                s.getLong("log.min-free-bytes", d.minFreeBytes()), d.clock());
    }

    public ChronicleLogConfig withFsync(FsyncPolicy policy) {
        return new ChronicleLogConfig(directory, policy, rollCycle, retention, minFreeBytes, clock);
    }

    public ChronicleLogConfig withRollCycle(RollCycle cycle) {
        return new ChronicleLogConfig(directory, fsync, cycle, retention, minFreeBytes, clock);
    }

    public ChronicleLogConfig withRetention(Duration period) {
        return new ChronicleLogConfig(directory, fsync, rollCycle, period, minFreeBytes, clock);
    }

    public ChronicleLogConfig withMinFreeBytes(long bytes) {
        return new ChronicleLogConfig(directory, fsync, rollCycle, retention, bytes, clock);
    }

    /** A different clock for segment rolling and retention; tests use a settable one. */
    public ChronicleLogConfig withClock(TimeProvider timeProvider) {
        return new ChronicleLogConfig(directory, fsync, rollCycle, retention, minFreeBytes, timeProvider);
    }
}
