package io.rhei.cdc;

import io.rhei.core.LifecycleState;
import io.rhei.core.source.ChangeSource;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.rhei.core.RheiException;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.TableId;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Captures committed PostgreSQL changes with Debezium Embedded ({@code pgoutput}) into a {@link ChangeLog}.
 *
 * <p><b>Exactly once into the log.</b> Each Debezium batch is converted, appended and made durable by the log
 * ({@link ChangeLog#append}) before any of its records is marked processed, so Debezium's offsets, and with them
 * the replication slot's confirmed LSN, never run ahead of the log. The offsets are acknowledged at transaction
 * boundaries ({@link TransactionBoundaryOffsets}): after a restart Debezium re-delivers every transaction after the
 * last one wholly acknowledged, and the log drops the records it already holds by source position.
 *
 * <p>Lifecycle: {@link #start()} checks the server ({@link PostgresPreflight}), recovers the table schemas from the
 * log and runs the engine on a thread of its own; {@link #stop()} closes it. A failure (unsupported type, full log
 * disk, lost connection) stops capture with {@link #failure()} set; nothing unacknowledged is lost, and starting a
 * new source resumes.
 */
public final class PostgresCdcSource implements ChangeSource {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCdcSource.class);



    /** As configured, then with the tables the preflight leaves out (keyless ones whose writes publishing would break). */
    private PostgresSourceConfig config;
    private final ChangeLog log;
    private final CdcMetrics metrics = new CdcMetrics();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile LifecycleState state = LifecycleState.NEW;
    private volatile Throwable failure;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ExecutorService executor;
    private RecordConverter converter;
    private InitialSnapshot initialSnapshot;
    private volatile String snapshotProblem;
    private java.util.concurrent.ScheduledExecutorService resyncWatch;
    private volatile Watermark watermark = Watermark.NONE;
    private final WatermarkMessages.Writer watermarks;
    private BulkSnapshot bulkSnapshot;
    private Thread bulkThread;
    private final Object engineLock = new Object();
    /** Counted down once Debezium's task runs, or the engine ended: stop() closes the engine only after that. */
    private final CountDownLatch taskStarted = new CountDownLatch(1);

    public PostgresCdcSource(PostgresSourceConfig config, ChangeLog log) {
        this.config = Objects.requireNonNull(config, "config");
        this.log = Objects.requireNonNull(log, "log");
        this.watermarks = new WatermarkMessages.Writer(config);
    }

    @Override
    public LifecycleState state() {
        return state;
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    /** Advanced by the watermark messages ({@link WatermarkMessages}) once what precedes them is durable in the log. */
    @Override
    public Watermark watermark() {
        return watermark;
    }

    @Override
    public long requestWatermark() {
        return watermarks.emit();
    }

    public CdcMetrics metrics() {
        return metrics;
    }

    @Override
    public synchronized void start() throws InterruptedException {
        if (state != LifecycleState.NEW) {
            throw new IllegalStateException("CDC source already " + state.name().toLowerCase() + "; create a new one to restart");
        }
        config = config.withTablesLeftOut(PostgresPreflight.check(config));
        try {
            Files.createDirectories(config.offsetsFile().toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new RheiException("cannot create the directory of source.offsets-file " + config.offsetsFile() + ": " + e.getMessage(), e);
        }
        SchemaTracker schemas = SchemaTracker.recover(log);
        List<TableId> readAgain = LostSlotRecovery.prepare(config);
        initialSnapshot = InitialSnapshot.plan(config, log);
        metrics.snapshotTables(initialSnapshot::tablesTotal, initialSnapshot::tablesRemaining);
        metrics.snapshotEstimates(initialSnapshot.estimates());
        PostgresSourceConfig effective = initialSnapshot.effectiveConfig();
        converter = new RecordConverter(schemas, log::lastPosition,
                effective.resumableSnapshots() ? TableId.parse(effective.signalTable()) : null);
        // while the initial snapshot runs, tables it has not reached yet are unknown to the log but not new
        List<TableId> added;
        if (initialSnapshot.isLegacy()) {
            added = schemas.known().isEmpty() ? List.of() : PostgresPreflight.newlyIncluded(config, schemas.known());
        } else {
            java.util.Set<TableId> known = new java.util.HashSet<>(schemas.known());
            known.addAll(initialSnapshot.initialTables());
            added = PostgresPreflight.newlyIncluded(config, known);
        }
        InitialSnapshot snapshot = initialSnapshot;
        TableScanWatch.register(config.name(), new TableScanWatch.Listener() {
            @Override
            public void tableGivenUp(String problem) {
                snapshotProblem = problem;
            }

            @Override
            public void snapshotCompleted() {
                snapshot.completed();
            }
        });
        state = LifecycleState.RUNNING;
        if (initialSnapshot.bulkReading()) {
            // the tables first, by COPY; Debezium then streams from the slot the bulk snapshot created
            bulkSnapshot = new BulkSnapshot(config, log, metrics, schemas);
            bulkThread = new Thread(() -> {
                try {
                    long catchUp = bulkSnapshot.run(snapshot.initialTables(), snapshot::tablesRemaining);
                    synchronized (engineLock) { // stop() may run meanwhile: it holds this object's lock while it waits here
                        if (state == LifecycleState.RUNNING) {
                            snapshot.bulkRead(catchUp);
                            startEngine(effective);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    finished.countDown();
                } catch (RuntimeException e) {
                    if (state == LifecycleState.RUNNING) {
                        failure = e;
                        state = LifecycleState.FAILED;
                        LOG.error("change capture from {} stopped: {}", config, e.getMessage(), e);
                    }
                    finished.countDown();
                }
            }, "rhei-bulk-snapshot");
            bulkThread.setDaemon(true);
            bulkThread.start();
        } else {
            startEngine(effective);
        }
        resyncWatch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rhei-resync-requests");
            t.setDaemon(true);
            return t;
        });
        resyncWatch.scheduleWithFixedDelay(() -> {
            try {
                ResyncSignal.takeRequests(effective);
            } catch (RuntimeException e) {
                LOG.error("a resync request could not be carried out (it is dropped; ask again): {}", e.getMessage(), e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        if (!readAgain.isEmpty()) {
            LostSlotRecovery.requestResnapshot(effective, readAgain);
        }
        if (!added.isEmpty()) {
            // Tables added to the include list since the last run: only they are read in full, the others stream on.
            ResyncSignal.send(effective, added);
            LOG.info("tables {} are new in source.tables.include: snapshotting only them", added);
        }
    }

    /** Builds and runs the Debezium engine on its own thread. */
    private void startEngine(PostgresSourceConfig effective) {
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(effective.toDebezium())
                .using((success, message, error) -> {
                    if (!success && state != LifecycleState.STOPPED) {
                        failure = error != null ? error : new RheiException(message);
                        state = LifecycleState.FAILED;
                        LOG.error("change capture from {} stopped: {}", config, message, error);
                    }
                    taskStarted.countDown();
                    finished.countDown();
                })
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        PostgresCdcSource.this.taskStarted.countDown();
                    }
                })
                .notifying(this::handleBatch)
                .build();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rhei-cdc");
            t.setDaemon(true);
            return t;
        });
        executor.execute(engine);
        LOG.info("change capture started from {} into the log at sequence {}", config, log.lastSeq());
        initialSnapshot.afterEngineStarted(() -> state == LifecycleState.RUNNING);
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        if (snapshotProblem != null) {
            // nothing after the failed chunk is acknowledged: a restart reads it again
            throw new RheiException(snapshotProblem + "; capture stops without acknowledging what followed, and a restart reads "
                    + "that table's chunk again");
        }
        List<LogRecord> out = new ArrayList<>(records.size() + 4);
        long lastCommit = 0;
        long receivedMicros = currentMicros();
        for (RecordChangeEvent<SourceRecord> r : records) {
            converter.convert(r.record(), out);
        }
        ChangeLog.AppendResult result = out.isEmpty() ? new ChangeLog.AppendResult(0, 0, 0, 0) : log.append(out);
        long marked = -1;
        for (RecordChangeEvent<SourceRecord> r : records) {
            marked = Math.max(marked, WatermarkMessages.markedLsn(r.record()));
        }
        if (marked > watermark.position()) {
            // everything before the mark was in this batch or an earlier one: now in the log
            watermark = new Watermark(marked, log.lastSeq());
        }
        long appendedMicros = currentMicros();
        int snapshotRows = 0;
        for (LogRecord r : out) {
            if (r instanceof ChangeEvent e && e.op() == Operation.SNAPSHOT_READ) {
                snapshotRows++;
                metrics.snapshotRowsCopied(e.table(), 1);
            } else if (r instanceof ChangeEvent e && e.commitTimeMicros() > 0) {
                lastCommit = Math.max(lastCommit, e.commitTimeMicros());
                metrics.received(e.commitTimeMicros(), receivedMicros);
                metrics.captured(e.commitTimeMicros(), appendedMicros);
            }
        }
        metrics.appended(appendedMicros - receivedMicros);
        // Only now, with the records durable in the log, may Debezium's offsets (and the slot) move past them;
        // acknowledged at the last transaction boundary, so that a restart re-reads whole transactions.
        for (RecordChangeEvent<SourceRecord> r : records) {
            Map<String, ?> offset = r.record().sourceOffset();
            if (offset == null) {
                committer.markProcessed(r);
            } else {
                DebeziumEngine.Offsets rewritten = committer.buildOffsets();
                TransactionBoundaryOffsets.rewrite(offset, rewritten);
                committer.markProcessed(r, rewritten);
                initialSnapshot.acknowledged(offset);
            }
        }
        committer.markBatchFinished();
        metrics.batch(records.size(), result.appended(), result.droppedDuplicates(), lastCommit);
        metrics.snapshotRowsCopied(snapshotRows);
        if (LOG.isDebugEnabled()) {
            LOG.debug("appended {} records (sequences {}..{}), dropped {} re-delivered", result.appended(), result.firstSeq(),
                    result.lastSeq(), result.droppedDuplicates());
        }
    }

    private static long currentMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Waits until the engine ends by itself (failure) or the timeout passes; true when it ended. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    @Override
    public synchronized void stop() {
        if (state == LifecycleState.NEW) {
            state = LifecycleState.STOPPED;
            return;
        }
        if (resyncWatch != null) {
            resyncWatch.shutdownNow();
        }
        if (bulkThread != null) {
            if (state == LifecycleState.RUNNING) {
                state = LifecycleState.STOPPED;
            }
            bulkSnapshot.stop();
            try {
                bulkThread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bulkThread = null;
            if (engine == null) {
                finished.countDown();
                LOG.info("change capture stopped during the bulk snapshot at log sequence {}; a restart continues it", log.lastSeq());
            }
        }
        if (engine != null) {
            if (state == LifecycleState.RUNNING) {
                state = LifecycleState.STOPPED;
            }
            try {
                // an engine closed while it is still starting logs a stack trace of its own ("Cannot change engine
                // state to 'INITIALIZING'"): a stop right after the bulk snapshot waits for it to have started
                if (!taskStarted.await(10, TimeUnit.SECONDS)) {
                    LOG.debug("the Debezium engine had not started within 10 s; closing it anyway");
                }
                engine.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                try {
                    engine.close();
                } catch (IOException | RuntimeException closing) {
                    LOG.warn("closing the Debezium engine: {}", closing.getMessage());
                }
            } catch (IllegalStateException e) {
                LOG.debug("Debezium engine already shut down: {}", e.getMessage());
            } catch (IOException e) {
                LOG.warn("closing the Debezium engine: {}", e.getMessage());
            }
            executor.shutdown();
            try {
                if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.warn("Debezium engine did not stop within 60 s");
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            engine = null;
            TableScanWatch.unregister(config.name());
            LOG.info("change capture stopped at log sequence {}", log.lastSeq());
        }
    }

    @Override
    public void close() {
        stop();
        watermarks.close();
    }
}
