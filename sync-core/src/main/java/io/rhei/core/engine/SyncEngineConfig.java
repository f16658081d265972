package io.rhei.core.engine;

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

    public static final List<String> KEYS = List.of("sync.batch.max-events", "sync.batch.max-bytes",
            "sync.batch.max-delay", "sync.checkpoint.interval", "sync.consumer.name");

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
        return new SyncEngineConfig(50_000, 64L << 20, Duration.ofMillis(200), Duration.ofSeconds(10), "sync-engine");
    }

    public static SyncEngineConfig from(Settings s) {
        SyncEngineConfig d = defaults();
        return new SyncEngineConfig(
                s.getInt("sync.batch.max-events", d.maxBatchEvents),
                s.getLong("sync.batch.max-bytes", d.maxBatchBytes),
                s.getDuration("sync.batch.max-delay", d.maxBatchDelay),
                s.getDuration("sync.checkpoint.interval", d.checkpointInterval),
                s.getString("sync.consumer.name", d.consumerName));
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
