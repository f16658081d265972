package io.rhei.cli;

import io.rhei.cdc.PostgresCdcSource;
import io.rhei.cdc.PostgresSourceConfig;
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
    private final PostgresCdcSource source;
    private final SyncEngine engine;

    SyncPipeline(PostgresSourceConfig sourceConfig, ChronicleLogConfig logConfig, StorageConfig storageConfig,
                 SyncEngineConfig engineConfig, NativeQueryOptions queryOptions) {
        TableStorage storage = storageConfig.open(allocator);
        this.olap = new DataFusionOlapEngine(storage, queryOptions);
        this.log = ChronicleChangeLog.open(logConfig);
        this.source = new PostgresCdcSource(sourceConfig, log);
        this.engine = SyncEngine.builder(log, olap).config(engineConfig).build();
    }

    void start() throws InterruptedException {
        engine.start();
        source.start();
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
