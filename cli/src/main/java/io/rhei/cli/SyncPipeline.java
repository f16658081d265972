package io.rhei.cli;

import io.rhei.cdc.PostgresCdcSource;
import io.rhei.cdc.PostgresSourceConfig;
import io.rhei.cdc.SlotMonitor;

import java.time.Duration;
import io.rhei.core.engine.SyncEngine;
import io.rhei.core.engine.SyncEngineConfig;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.StorageConfig;
import io.rhei.storage.TableStorage;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole sync, assembled: PostgreSQL → {@link PostgresCdcSource} → change log → {@link SyncEngine} →
 * {@link DataFusionOlapEngine}. Started and stopped as one, in dependency order.
 */
final class SyncPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncPipeline.class);
    private final BufferAllocator allocator = new RootAllocator();
    private final ChronicleChangeLog log;
    private final DataFusionOlapEngine olap;
    private final PostgresSourceConfig sourceConfig;
    private final SyncEngineConfig engineConfig;
    private final Duration slotStallTimeout;
    private volatile SlotMonitor slots;
    private volatile PostgresCdcSource source;
    private volatile SyncEngine engine;
    /** Why the last restart of capture failed before it ran (its checks of the server), if it did. */
    private volatile Throwable sourceStartFailure;
    private final Restarts sourceRestarts = new Restarts("capture");
    private final Restarts engineRestarts = new Restarts("sync");

    SyncPipeline(PostgresSourceConfig sourceConfig, ChronicleLogConfig logConfig, StorageConfig storageConfig,
                 SyncEngineConfig engineConfig, NativeQueryOptions queryOptions) {
        this(sourceConfig, logConfig, storageConfig, engineConfig, queryOptions, DEFAULT_SLOT_STALL_TIMEOUT);
    }

    /** How long the replication slot may stand still while PostgreSQL writes WAL before /health says degraded. */
    static final Duration DEFAULT_SLOT_STALL_TIMEOUT = Duration.ofMinutes(5);

    SyncPipeline(PostgresSourceConfig sourceConfig, ChronicleLogConfig logConfig, StorageConfig storageConfig,
                 SyncEngineConfig engineConfig, NativeQueryOptions queryOptions, Duration slotStallTimeout) {
        this.sourceConfig = sourceConfig;
        this.slotStallTimeout = slotStallTimeout;
        this.engineConfig = engineConfig;
        TableStorage storage = storageConfig.open(allocator);
        this.olap = new DataFusionOlapEngine(storage, queryOptions);
        this.log = ChronicleChangeLog.open(logConfig);
        this.source = new PostgresCdcSource(sourceConfig, log);
        this.engine = SyncEngine.builder(log, olap).config(engineConfig).build();
    }

    void start() throws InterruptedException {
        engine.start();
        source.start();
        slots = new SlotMonitor(sourceConfig, Duration.ofSeconds(5), slotStallTimeout);
    }

    /** The replication slot seen from PostgreSQL (null before {@link #start}). */
    SlotMonitor slots() {
        return slots;
    }

    /**
     * Restarts capture or sync when it has stopped on a failure (PostgreSQL restarting or unreachable, the log's
     * disk full, storage unreachable...), with a growing pause between attempts (1 s doubling to 60 s), while
     * queries go on being served from what is synced. Both resume exactly where they stopped: capture from
     * Debezium's offsets (the log drops what it already holds), sync from each table's applied sequence. Called
     * every second or so by the command that runs the pipeline; returns what is wrong right now, or null.
     */
    String supervise() throws InterruptedException {
        long now = System.nanoTime();
        String trouble = null;
        Throwable captureFailure = sourceStartFailure != null ? sourceStartFailure : source.failure();
        if (captureFailure != null) {
            trouble = "capture stopped: " + captureFailure.getMessage();
            if (sourceRestarts.due(now, trouble)) {
                source.close();
                PostgresCdcSource next = new PostgresCdcSource(sourceConfig, log);
                source = next;
                try {
                    next.start();
                    sourceStartFailure = null;
                } catch (RuntimeException e) {
                    sourceStartFailure = e;
                }
            }
        } else {
            sourceRestarts.healthy(now);
        }
        Throwable syncFailure = engine.failure();
        if (syncFailure != null) {
            trouble = (trouble == null ? "" : trouble + "; ") + "sync stopped: " + syncFailure.getMessage();
            if (engineRestarts.due(now, "sync stopped: " + syncFailure.getMessage())) {
                SyncEngine next = SyncEngine.builder(log, olap).config(engineConfig).build();
                engine = next;
                next.start();
            }
        } else {
            engineRestarts.healthy(now);
        }
        return trouble;
    }

    /** When to try again: 1 s after a failure, doubling up to 60 s; back to 1 s once a restart has run a minute. */
    private static final class Restarts {
        private static final long FIRST = 1_000_000_000L;
        private static final long MAX = 60_000_000_000L;
        private final String what;
        private long delay = FIRST;
        private long nextAttempt = -1;
        private long runningSince = -1;

        Restarts(String what) {
            this.what = what;
        }

        /** Failing now: whether to restart at this moment. */
        boolean due(long now, String reason) {
            runningSince = -1;
            if (nextAttempt < 0) {
                nextAttempt = now + delay;
                LOG.error("{}; retrying in {} s (queries go on; nothing is lost)", reason, delay / 1_000_000_000L);
                return false;
            }
            if (now < nextAttempt) {
                return false;
            }
            LOG.warn("restarting {} after: {}", what, reason);
            delay = Math.min(delay * 2, MAX);
            nextAttempt = now + delay;
            return true;
        }

        /** Running without a failure. */
        void healthy(long now) {
            if (nextAttempt < 0) {
                return;
            }
            if (runningSince < 0) {
                runningSince = now;
                LOG.info("{} is running again", what);
            } else if (now - runningSince > MAX) {
                delay = FIRST;
                nextAttempt = -1;
                runningSince = -1;
            }
        }
    }

    PostgresCdcSource source() {
        return source;
    }

    SyncEngine engine() {
        return engine;
    }

    DataFusionOlapEngine olap() {
        return olap;
    }

    ChronicleChangeLog log() {
        return log;
    }

    BufferAllocator allocator() {
        return allocator;
    }

    @Override
    public void close() {
        if (slots != null) {
            slots.close();
        }
        source.stop();
        engine.stop();
        olap.close();
        log.close();
        if (allocator.getAllocatedMemory() != 0) {
            LOG.warn("{} bytes of Arrow memory still allocated at shutdown: {}", allocator.getAllocatedMemory(), allocator.toVerboseString());
        } else {
            allocator.close();
        }
    }
}
