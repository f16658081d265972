package io.rhei.core.engine;

import io.rhei.core.model.TableId;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the sync engine has done, readable from any thread while it runs. Written only by the engine thread.
 * The Prometheus exporter (cli) maps these to {@code rhei_events_applied_total{table}}, {@code rhei_apply_lag_seconds}
 * and friends.
 */
public final class SyncMetrics {
    private final LongAdder eventsRead = new LongAdder();
    private final LongAdder eventsApplied = new LongAdder();
    private final LongAdder eventsSkipped = new LongAdder();
    private final LongAdder eventsHeld = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder applyNanos = new LongAdder();
    private final AtomicLong lastReadSeq = new AtomicLong();
    private final AtomicLong lastAppliedCommitMicros = new AtomicLong();
    private final io.rhei.core.metrics.LatencyHistogram applyLatency = new io.rhei.core.metrics.LatencyHistogram();
    private final io.rhei.core.metrics.LatencyHistogram applyDuration = new io.rhei.core.metrics.LatencyHistogram();
    private final AtomicLong logEndSeq = new AtomicLong();
    private final Map<TableId, TableCounters> tables = new ConcurrentHashMap<>();

    /** Per-table figures. */
    public record TableFigures(long appliedSeq, long eventsApplied, String pausedReason) {
    }

    private static final class TableCounters {
        final AtomicLong appliedSeq = new AtomicLong();
        final LongAdder eventsApplied = new LongAdder();
        volatile String pausedReason;
    }

    void read(long seq) {
        eventsRead.increment();
        lastReadSeq.set(seq);
    }

    void skipped() {
        eventsSkipped.increment();
    }

    void held() {
        eventsHeld.increment();
    }

    void applied(TableId table, long appliedSeq, int events, long nanos, long lastCommitMicros) {
        batches.increment();
        eventsApplied.add(events);
        applyNanos.add(nanos);
        TableCounters t = table(table);
        t.appliedSeq.set(appliedSeq);
        t.eventsApplied.add(events);
        applyDuration.record(nanos / 1000);
        if (lastCommitMicros > 0) {
            lastAppliedCommitMicros.accumulateAndGet(lastCommitMicros, Math::max);
            java.time.Instant now = java.time.Instant.now();
            applyLatency.record(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000 - lastCommitMicros);
        }
    }

    /** Commit in PostgreSQL to applied to the table (the newest commit of each applied batch): what a query then sees. */
    public io.rhei.core.metrics.LatencyHistogram applyLatency() {
        return applyLatency;
    }

    /** One table batch's apply to the storage, in microseconds. */
    public io.rhei.core.metrics.LatencyHistogram applyDuration() {
        return applyDuration;
    }

    void tableAt(TableId table, long appliedSeq) {
        table(table).appliedSeq.set(appliedSeq);
    }

    void resumed(TableId table) {
        table(table).pausedReason = null;
    }

    void paused(TableId table, String reason) {
        table(table).pausedReason = reason;
    }

    void logEnd(long seq) {
        logEndSeq.set(seq);
    }

    private TableCounters table(TableId id) {
        return tables.computeIfAbsent(id, k -> new TableCounters());
    }

    public long eventsRead() {
        return eventsRead.sum();
    }

    /** Events whose effect reached the sink (before coalescing). */
    public long eventsApplied() {
        return eventsApplied.sum();
    }

    /** Events at or below their table's applied sequence, read again on replay and ignored. */
    public long eventsSkipped() {
        return eventsSkipped.sum();
    }

    /** Events of paused tables: kept in the log, not applied. */
    public long eventsHeld() {
        return eventsHeld.sum();
    }

    public long batchesApplied() {
        return batches.sum();
    }

    public long applyNanosTotal() {
        return applyNanos.sum();
    }

    public long lastReadSeq() {
        return lastReadSeq.get();
    }

    /** Log records not yet read by the engine, as of the engine's last look at the log's end. */
    public long lagEvents() {
        return Math.max(0, logEndSeq.get() - lastReadSeq.get());
    }

    /**
     * Milliseconds between now and the source commit time of the newest applied change, when the engine is behind;
     * 0 when it has read everything and nothing waits.
     */
    public long lagMillis(long nowMillis, boolean caughtUp) {
        long commit = lastAppliedCommitMicros.get();
        if (caughtUp || commit == 0) {
            return 0;
        }
        return Math.max(0, nowMillis - commit / 1000);
    }

    public long lastAppliedCommitMicros() {
        return lastAppliedCommitMicros.get();
    }

    public Map<TableId, TableFigures> tables() {
        Map<TableId, TableFigures> out = new TreeMap<>();
        tables.forEach((id, t) -> out.put(id, new TableFigures(t.appliedSeq.get(), t.eventsApplied.sum(), t.pausedReason)));
        return out;
    }
}
