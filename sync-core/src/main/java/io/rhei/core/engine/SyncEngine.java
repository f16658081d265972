package io.rhei.core.engine;

import io.rhei.core.LifecycleState;
import io.rhei.core.RheiException;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.log.LogReader;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.SchemaException;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableSink;
import io.rhei.core.sink.TableChangeBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tails the change log and applies it to an {@link TableSink}, idempotently by sequence number.
 *
 * <p><b>Where it starts.</b> At the lowest applied sequence over the sink's tables (+1). Each event at or below
 * its own table's applied sequence is skipped, so a replay after any crash neither loses nor duplicates: the
 * sink's applied sequence, stored atomically with the data, is the only checkpoint that matters. The engine's
 * own mark in the log ({@link ChangeLog#markConsumed}) only lets retention drop what every table has applied.
 *
 * <p><b>Batching.</b> Events are coalesced per table and key ({@link TableBatchBuilder}) and applied when
 * {@code maxBatchEvents} or {@code maxBatchBytes} is reached, when the oldest pending event is
 * {@code maxBatchDelay} old, or when the log has nothing more to read. Memory is bounded by the batch limits:
 * the log is durable, so the engine simply reads no further until the sink has caught up (backpressure).
 *
 * <p><b>Paused tables.</b> An event the sink cannot take (a schema version the engine has no schema for, an
 * update or delete of a keyless table without the old row, a change the sink rejects as a schema error) pauses that table with a logged
 * error and a metric; its events stay in the log, other tables continue. Restarting the engine after the cause
 * is fixed resumes the table from its applied sequence; a TRUNCATE in a schema it can take ({@code rhei resync})
 * resumes it at once, since nothing before it counts any more. Any other sink failure stops the engine
 * ({@link LifecycleState#FAILED}); starting again resumes.
 *
 * <p>Lifecycle: {@link #start()} runs the loop on a thread of its own; {@link #stop()} applies what is pending
 * and returns. {@link #runUntil(long)} runs the same loop on the caller's thread (replay, tests).
 */
public final class SyncEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);
    private static final int POLL_CHUNK = 4096;
    private static final Duration IDLE_POLL = Duration.ofMillis(100);



    private final ChangeLog log;
    private final TableSink sink;
    private final SyncEngineConfig config;
    private final long replayFrom;
    private final SyncMetrics metrics = new SyncMetrics();
    private final Map<TableId, TableState> tables = new HashMap<>();
    private final List<LogRecord> buffer = new ArrayList<>(POLL_CHUNK);

    private volatile LifecycleState state = LifecycleState.NEW;
    private volatile boolean stopRequested;
    private volatile Throwable failure;
    private volatile boolean caughtUp;
    /** Every record at or below it has been applied, or held by a paused table. */
    private volatile long appliedThroughSeq;
    private Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);

    private LogReader reader;
    private int pendingEvents;
    private long pendingBytes;
    private long oldestPendingNanos;
    private long lastCheckpointNanos;
    private long lastProcessedSeq;
    private long lastMarked = -1;

    private SyncEngine(ChangeLog log, TableSink sink, SyncEngineConfig config, long replayFrom) {
        this.replayFrom = replayFrom;
        this.log = log;
        this.sink = sink;
        this.config = config;
    }

    public static Builder builder(ChangeLog log, TableSink sink) {
        return new Builder(log, sink);
    }

    /** Builds a {@link SyncEngine}; the engine neither owns nor closes the log and the sink. */
    public static final class Builder {
        private final ChangeLog log;
        private final TableSink sink;
        private SyncEngineConfig config = SyncEngineConfig.defaults();
        private long replayFrom = Long.MAX_VALUE;

        private Builder(ChangeLog log, TableSink sink) {
            this.log = Objects.requireNonNull(log, "log");
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        public Builder config(SyncEngineConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Reads the log from {@code seq} even when every table has applied beyond it (a verification replay);
         * per-table skipping keeps it harmless.
         */
        public Builder replayFrom(long seq) {
            if (seq < 1) {
                throw new IllegalArgumentException("sequences start at 1, got " + seq);
            }
            this.replayFrom = seq;
            return this;
        }

        public SyncEngine build() {
            return new SyncEngine(log, sink, config, replayFrom);
        }
    }

    public LifecycleState state() {
        return state;
    }

    /** Why the engine failed, when {@link #state()} is {@link LifecycleState#FAILED}. */
    public Throwable failure() {
        return failure;
    }

    public SyncMetrics metrics() {
        return metrics;
    }

    /** True once the engine has read to the end of the log and applied everything it read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * The log sequence through which everything has been applied (a paused table's events excepted: they are held,
     * see {@link SyncMetrics#tables()}). Read-your-writes compares it with the source's watermark.
     */
    public long appliedThroughSeq() {
        return appliedThroughSeq;
    }

    /** Starts tailing on a thread named {@code rhei-sync}. */
    public synchronized void start() {
        if (state != LifecycleState.NEW) {
            throw new IllegalStateException("sync engine already " + state.name().toLowerCase() + "; build a new one to restart");
        }
        open();
        state = LifecycleState.RUNNING;
        thread = new Thread(this::runLoop, "rhei-sync");
        thread.setDaemon(false);
        thread.start();
    }

    private void runLoop() {
        try {
            while (!stopRequested) {
                step(Long.MAX_VALUE);
            }
            flush();
            checkpointIdleTables();
            state = LifecycleState.STOPPED;
            LOG.info("sync engine stopped at sequence {}", lastProcessedSeq);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = LifecycleState.STOPPED;
        } catch (Throwable t) {
            failure = t;
            state = LifecycleState.FAILED;
            LOG.error("sync engine failed after sequence {}; pending changes were not applied and will be re-read on restart",
                    lastProcessedSeq, t);
        } finally {
            closeReader();
            finished.countDown();
        }
    }

    /**
     * Runs the loop on the calling thread until every record up to {@code untilSeq} (or the log's end when it
     * is smaller) has been applied. Used by replay and tests.
     */
    public void runUntil(long untilSeq) throws InterruptedException {
        synchronized (this) {
            if (state != LifecycleState.NEW) {
                throw new IllegalStateException("sync engine already " + state.name().toLowerCase());
            }
            open();
            state = LifecycleState.RUNNING;
        }
        try {
            long target = Math.min(untilSeq, log.lastSeq());
            while (lastProcessedSeq < target && !stopRequested) {
                step(target);
            }
            flush();
            checkpointIdleTables();
            state = LifecycleState.STOPPED;
        } catch (RuntimeException | InterruptedException e) {
            failure = e;
            state = LifecycleState.FAILED;
            throw e;
        } finally {
            closeReader();
            finished.countDown();
        }
    }

    /** Applies what is pending, stops, and waits for the loop to end. */
    public void stop() {
        stopRequested = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                if (!finished.await(60, TimeUnit.SECONDS)) {
                    LOG.warn("sync engine did not stop within 60 s; interrupting");
                    t.interrupt();
                    finished.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (state == LifecycleState.NEW) {
            state = LifecycleState.STOPPED;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void open() {
        long logFirst = log.firstSeq();
        long logLast = log.lastSeq();
        long start = Long.MAX_VALUE;
        for (TableId id : sink.tables()) {
            TableSchema schema = sink.schema(id).orElse(null);
            long applied = sink.appliedSeq(id);
            if (applied > logLast) {
                throw new RheiException("table " + id + " has applied sequence " + applied + " but the change log ends at "
                        + logLast + ": the sink belongs to another log (check log.dir and storage.uri)");
            }
            tables.put(id, new TableState(id, schema, applied));
            metrics.tableAt(id, applied);
            start = Math.min(start, applied + 1);
        }
        if (start == Long.MAX_VALUE) {
            start = 1;
        }
        start = Math.min(start, replayFrom);
        if (logLast > 0 && start < logFirst && start <= logLast) {
            throw new RheiException("the sync needs the change log from sequence " + start + " but retention removed records before "
                    + logFirst + ": rebuild the sink from a full log or re-snapshot the source");
        }
        reader = log.openReader(start);
        lastProcessedSeq = start - 1;
        appliedThroughSeq = lastProcessedSeq;
        lastCheckpointNanos = System.nanoTime();
        metrics.logEnd(logLast);
        LOG.info("sync engine starting at sequence {} ({} tables in the sink, log holds {}..{})", start, tables.size(), logFirst, logLast);
    }

    /** Reads one chunk of the log (waiting briefly when there is none), processes it, applies when due. */
    private void step(long untilSeq) throws InterruptedException {
        // Never read past the batch bound: what is read is held in memory until applied.
        int room = Math.max(1, config.maxBatchEvents() - pendingEvents);
        int max = (int) Math.min(Math.min(POLL_CHUNK, room), Math.max(1, untilSeq - lastProcessedSeq));
        buffer.clear();
        long bytesBefore = reader.bytesRead();
        int n = reader.poll(buffer, max, pollTimeout());
        if (n > 0) {
            caughtUp = false;
            pendingBytes += reader.bytesRead() - bytesBefore;
            for (LogRecord r : buffer) {
                process(r);
            }
            buffer.clear();
        }
        long now = System.nanoTime();
        boolean idle = n == 0;
        if (pendingEvents > 0 && (idle || pendingEvents >= config.maxBatchEvents() || pendingBytes >= config.maxBatchBytes()
                || now - oldestPendingNanos >= config.maxBatchDelay().toNanos())) {
            flush();
        }
        // every step, not only when idle: during a long catch-up (an initial snapshot) the lag must show how far behind
        metrics.logEnd(log.lastSeq());
        if (idle) {
            caughtUp = pendingEvents == 0;
            if (caughtUp) {
                appliedThroughSeq = lastProcessedSeq; // what was read added nothing to apply (skipped or held)
            }
        }
        if (now - lastCheckpointNanos >= config.checkpointInterval().toNanos()) {
            checkpointIdleTables();
        }
    }

    private Duration pollTimeout() {
        if (pendingEvents == 0) {
            return IDLE_POLL;
        }
        return Duration.ZERO;
    }

    private void process(LogRecord record) {
        long seq = record.seq();
        metrics.read(seq);
        lastProcessedSeq = seq;
        if (record instanceof SchemaChange sc) {
            processSchema(sc);
        } else {
            processEvent((ChangeEvent) record);
        }
    }

    private TableState state(TableId id) {
        return tables.computeIfAbsent(id, k -> new TableState(k, null, 0));
    }

    private void processSchema(SchemaChange sc) {
        TableState t = state(sc.table());
        if (sc.seq() <= t.appliedSeq) {
            metrics.skipped();
            return;
        }
        if (t.paused()) {
            t.heldSchema = sc.schema();
            metrics.held();
            return;
        }
        flushTable(t);
        if (t.paused()) {
            return;
        }
        try {
            sink.ensureTable(sc.schema(), sc.seq());
        } catch (SchemaException e) {
            pause(t, "schema version " + sc.schema().version() + " at sequence " + sc.seq() + " cannot be applied: " + e.getMessage());
            return;
        }
        t.schema = sc.schema();
        t.appliedSeq = sc.seq();
        metrics.tableAt(t.table, sc.seq());
        LOG.info("table {} at schema version {} (sequence {})", t.table, sc.schema().version(), sc.seq());
    }

    private void processEvent(ChangeEvent e) {
        TableState t = state(e.table());
        if (e.seq() <= t.appliedSeq) {
            metrics.skipped();
            return;
        }
        if (t.paused() && !resumesAt(t, e)) {
            metrics.held();
            return;
        }
        if (t.schema == null) {
            pause(t, "event #" + e.seq() + " arrived before any schema for the table");
            metrics.held();
            return;
        }
        if (e.schemaVersion() != t.schema.version()) {
            pause(t, "event #" + e.seq() + " is in schema version " + e.schemaVersion() + " but the table is at version "
                    + t.schema.version());
            metrics.held();
            return;
        }
        if (pendingEvents == 0) {
            oldestPendingNanos = System.nanoTime();
        }
        try {
            t.pending().add(e);
        } catch (RheiException ex) {
            pause(t, ex.getMessage());
            metrics.held();
            return;
        }
        pendingEvents++;
    }

    /**
     * A paused table resumes at a TRUNCATE whose schema it can take (the start of a resync, or the application's own
     * TRUNCATE): nothing before it counts for the table's content any more, so the events it could not apply are
     * superseded rather than lost.
     */
    private boolean resumesAt(TableState t, ChangeEvent e) {
        if (e.op() != Operation.TRUNCATE) {
            return false;
        }
        TableSchema schema = t.heldSchema != null ? t.heldSchema : t.schema;
        if (schema == null || schema.version() != e.schemaVersion()) {
            return false;
        }
        if (t.heldSchema != null) {
            try {
                sink.ensureTable(schema, e.seq() - 1);
            } catch (SchemaException ex) {
                LOG.warn("table {} stays paused: schema version {} cannot be applied either: {}", t.table, schema.version(), ex.getMessage());
                return false;
            }
        }
        LOG.info("table {} resumes at sequence {}: a TRUNCATE (resync) in schema version {} supersedes the events it held since it "
                + "paused ({})", t.table, e.seq(), schema.version(), t.pausedReason);
        t.schema = schema;
        t.heldSchema = null;
        t.pausedReason = null;
        metrics.resumed(t.table);
        return true;
    }

    private void pause(TableState t, String reason) {
        t.pending = null;
        t.pausedReason = reason;
        metrics.paused(t.table, reason);
        LOG.error("table {} paused at applied sequence {}: {}. Its changes stay in the log; other tables continue. "
                + "Fix the cause and restart to resume.", t.table, t.appliedSeq, reason);
    }

    /** Applies every table's pending batch, then lets the log know what every table has applied. */
    private void flush() {
        for (TableState t : tables.values()) {
            flushTable(t);
        }
        pendingEvents = 0;
        pendingBytes = 0;
        appliedThroughSeq = lastProcessedSeq;
        markConsumed();
    }

    private void flushTable(TableState t) {
        TableBatchBuilder pending = t.pending;
        if (pending == null) {
            return;
        }
        t.pending = null;
        TableChangeBatch batch = pending.build();
        long started = System.nanoTime();
        try {
            sink.apply(batch);
        } catch (SchemaException e) {
            pause(t, "batch " + batch.firstSeq() + ".." + batch.lastSeq() + " was refused by the sink: " + e.getMessage());
            return;
        }
        t.appliedSeq = batch.lastSeq();
        metrics.applied(t.table, batch.lastSeq(), batch.eventCount(), System.nanoTime() - started, pending.lastCommitMicros());
        if (LOG.isDebugEnabled()) {
            LOG.debug("applied {} events to {} as {} changes, sequences {}..{}", batch.eventCount(), t.table,
                    batch.changes().size(), batch.firstSeq(), batch.lastSeq());
        }
    }

    /**
     * Tables that had nothing to apply for a while record that they are current up to the last processed
     * sequence, so a restart need not re-read from their old applied sequence and retention is not held back.
     */
    private void checkpointIdleTables() {
        lastCheckpointNanos = System.nanoTime();
        for (TableState t : tables.values()) {
            if (!t.paused() && t.pending == null && t.schema != null && t.appliedSeq < lastProcessedSeq) {
                sink.apply(TableChangeBatch.checkpoint(t.schema, lastProcessedSeq));
                t.appliedSeq = lastProcessedSeq;
                metrics.tableAt(t.table, lastProcessedSeq);
            }
        }
        markConsumed();
    }

    /** Lets retention drop what every table has applied (a table with no schema yet holds nothing back). */
    private void markConsumed() {
        long safe = minAppliedOverTables();
        if (safe > lastMarked && safe > 0) {
            log.markConsumed(config.consumerName(), safe);
            lastMarked = safe;
        }
    }

    private long minAppliedOverTables() {
        long min = lastProcessedSeq;
        for (TableState t : tables.values()) {
            if (t.schema != null || t.paused()) {
                min = Math.min(min, t.appliedSeq);
            }
        }
        return min;
    }

    private void closeReader() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
