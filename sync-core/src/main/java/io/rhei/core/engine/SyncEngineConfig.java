package io.rhei.core.engine;

import io.rhei.core.config.ConfigKey;
import io.rhei.core.config.Settings;

import java.time.Duration;
import java.util.List;

/**
 * How the sync engine batches. A batch is applied as soon as any bound is reached, and whenever the log has
 * nothing more to read, so under steady load a change is visible within {@code maxBatchDelay} plus one apply.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>sync.batch.max-events</td><td>50000</td><td>log events per batch (all tables together)</td></tr>
 *   <tr><td>sync.batch.max-bytes</td><td>64m</td><td>encoded log bytes per batch: bounds engine memory</td></tr>
 *   <tr><td>sync.batch.max-delay</td><td>200ms</td><td>longest a read event waits before its batch applies</td></tr>
 *   <tr><td>sync.checkpoint.interval</td><td>10s</td><td>how often idle tables record that they are current,
 *       so restart and log retention do not wait for them</td></tr>
 *   <tr><td>sync.consumer.name</td><td>sync-engine</td><td>name under which the engine marks its log position</td></tr>
 * </table>
 */
public record SyncEngineConfig(int maxBatchEvents, long maxBatchBytes, Duration maxBatchDelay,
                               Duration checkpointInterval, String consumerName) {

    public static final ConfigKey MAX_EVENTS = ConfigKey.of("sync.batch.max-events", "50000", "events per applied batch, all tables together");
    public static final ConfigKey MAX_BYTES = ConfigKey.of("sync.batch.max-bytes", "64m", "encoded bytes per batch (bounds engine memory)");
    public static final ConfigKey MAX_DELAY = ConfigKey.of("sync.batch.max-delay", "200ms", "longest a read event waits before its batch applies");
    public static final ConfigKey CHECKPOINT_INTERVAL = ConfigKey.of("sync.checkpoint.interval", "10s",
            "how often idle tables record that they are current");
    public static final ConfigKey CONSUMER_NAME = ConfigKey.of("sync.consumer.name", "sync-engine",
            "name under which the engine marks its position in the log (for retention)");
    public static final List<ConfigKey> KEYS = List.of(MAX_EVENTS, MAX_BYTES, MAX_DELAY, CHECKPOINT_INTERVAL, CONSUMER_NAME);

    public SyncEngineConfig {
        if (maxBatchEvents < 1) {
            throw new IllegalArgumentException("sync.batch.max-events must be at least 1, got " + maxBatchEvents);
        }
        if (maxBatchBytes < 1) {
            throw new IllegalArgumentException("sync.batch.max-bytes must be at least 1, got " + maxBatchBytes);
        }
        if (maxBatchDelay.isNegative() || checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("sync.batch.max-delay must be >= 0 and sync.checkpoint.interval > 0");
        }
        if (consumerName == null || consumerName.isBlank()) {
            throw new IllegalArgumentException("sync.consumer.name must not be blank");
        }
    }

    public static SyncEngineConfig defaults() {
        return from(Settings.empty());
    }

    public static SyncEngineConfig from(Settings s) {
        return new SyncEngineConfig(s.getInt(MAX_EVENTS), s.getLong(MAX_BYTES), s.getDuration(MAX_DELAY),
                s.getDuration(CHECKPOINT_INTERVAL), s.getString(CONSUMER_NAME));
    }

    public SyncEngineConfig withMaxBatchEvents(int events) {
        return new SyncEngineConfig(events, maxBatchBytes, maxBatchDelay, checkpointInterval, consumerName);
    }

    public SyncEngineConfig withMaxBatchBytes(long bytes) {
        return new SyncEngineConfig(maxBatchEvents, bytes, maxBatchDelay, checkpointInterval, consumerName);
    }

    public SyncEngineConfig withMaxBatchDelay(Duration delay) {
        return new SyncEngineConfig(maxBatchEvents, maxBatchBytes, delay, checkpointInterval, consumerName);
    }

    public SyncEngineConfig withCheckpointInterval(Duration interval) {
        return new SyncEngineConfig(maxBatchEvents, maxBatchBytes, maxBatchDelay, interval, consumerName);
    }
}
