package io.rhei.core.log;

import io.rhei.core.config.ConfigKey;

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

    public static final ConfigKey DIR = ConfigKey.of("log.dir", "", "change log directory, and capture's state (required; with `log.type=kafka`, for that state only)");
    public static final ConfigKey FSYNC = ConfigKey.of("log.fsync", "batch",
            "`batch`: msync at the end of every append; `none`: no msync (survives a process crash, not power loss)");
    public static final ConfigKey ROLL_CYCLE = ConfigKey.of("log.roll-cycle", "FAST_HOURLY", "segment length (Chronicle roll cycle name)");
    public static final ConfigKey RETENTION = ConfigKey.of("log.retention", "7d",
            "keep segments at least this long, and until every consumer has passed them");
    public static final ConfigKey MIN_FREE_BYTES = ConfigKey.of("log.min-free-bytes", "128m",
            "refuse appends (nothing written, the source pauses) below this free space");
    public static final java.util.List<ConfigKey> KEYS = java.util.List.of(DIR, FSYNC, ROLL_CYCLE, RETENTION, MIN_FREE_BYTES);

    /** From configuration keys (see the class comment); {@code log.dir} is required. */
    public static ChronicleLogConfig from(io.rhei.core.config.Settings s) {
        ChronicleLogConfig d = defaults(Path.of(s.require(DIR.name())));
        String fsync = s.getString(FSYNC).toUpperCase(java.util.Locale.ROOT);
        FsyncPolicy policy;
        try {
            policy = FsyncPolicy.valueOf(fsync);
        } catch (IllegalArgumentException e) {
            throw new io.rhei.core.RheiException("configuration key log.fsync must be batch or none, got '" + fsync.toLowerCase(java.util.Locale.ROOT) + "'");
        }
        String cycleName = s.getString(ROLL_CYCLE).toUpperCase(java.util.Locale.ROOT);
        RollCycle cycle;
        try {
            cycle = RollCycles.valueOf(cycleName);
        } catch (IllegalArgumentException e) {
            throw new io.rhei.core.RheiException("configuration key log.roll-cycle names no Chronicle roll cycle: '" + cycleName
                    + "' (try FAST_HOURLY or FAST_DAILY)");
        }
        return new ChronicleLogConfig(d.directory(), policy, cycle, s.getDuration(RETENTION), s.getLong(MIN_FREE_BYTES), d.clock());
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
