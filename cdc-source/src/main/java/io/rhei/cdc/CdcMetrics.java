package io.rhei.cdc;

import io.rhei.core.metrics.LatencyHistogram;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What the capture has done; read from any thread. */
public final class CdcMetrics {
    private final LongAdder recordsReceived = new LongAdder();
    private final LongAdder eventsAppended = new LongAdder();
    private final LongAdder duplicatesDropped = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final AtomicLong lastCommitMicros = new AtomicLong();
    private final AtomicLong lastAppendMillis = new AtomicLong();
    private final LatencyHistogram captureLatency = new LatencyHistogram();
    private final LatencyHistogram receiveLatency = new LatencyHistogram();
    private final LatencyHistogram appendDuration = new LatencyHistogram();

    private final LongAdder snapshotRowsCopied = new LongAdder();
    private final java.util.Map<io.rhei.core.model.TableId, LongAdder> snapshotRowsByTable = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.Map<io.rhei.core.model.TableId, Long> snapshotEstimates = java.util.Map.of();
    private volatile long firstSnapshotRowNanos;
    private volatile java.util.function.IntSupplier snapshotTablesTotal = () -> 0;
    private volatile java.util.function.IntSupplier snapshotTablesRemaining = () -> 0;

    /** Snapshot rows of one table appended to the log. */
    void snapshotRowsCopied(io.rhei.core.model.TableId table, int rows) {
        if (firstSnapshotRowNanos == 0) {
            firstSnapshotRowNanos = System.nanoTime();
        }
        snapshotRowsByTable.computeIfAbsent(table, t -> new LongAdder()).add(rows);
    }

    /** PostgreSQL's estimate of each initial-snapshot table's rows ({@code pg_class.reltuples}; absent when unknown). */
    void snapshotEstimates(java.util.Map<io.rhei.core.model.TableId, Long> estimates) {
        this.snapshotEstimates = java.util.Map.copyOf(estimates);
    }

    /** Snapshot rows appended per table by this process. */
    public java.util.Map<io.rhei.core.model.TableId, Long> snapshotRowsByTable() {
        java.util.Map<io.rhei.core.model.TableId, Long> out = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        snapshotRowsByTable.forEach((t, n) -> out.put(t, n.sum()));
        return out;
    }

    public java.util.Map<io.rhei.core.model.TableId, Long> snapshotEstimates() {
        return snapshotEstimates;
    }

    /** Snapshot rows per second since the first one this process appended (0 before). */
    public double snapshotRowsPerSecond() {
        long first = firstSnapshotRowNanos;
        double secs = first == 0 ? 0 : (System.nanoTime() - first) / 1e9;
        return secs < 0.5 ? 0 : snapshotRowsCopied.sum() / secs;
    }

    void snapshotRowsCopied(int rows) {
        snapshotRowsCopied.add(rows);
    }

    void snapshotTables(java.util.function.IntSupplier total, java.util.function.IntSupplier remaining) {
        this.snapshotTablesTotal = total;
        this.snapshotTablesRemaining = remaining;
    }

    /** Snapshot rows (initial snapshot, resync) this process has read from PostgreSQL, including any read again. */
    public long snapshotRowsCopied() {
        return snapshotRowsCopied.sum();
    }

    /** Tables of the resumable initial snapshot (0 when there is none in this process). */
    public int snapshotTablesTotal() {
        return snapshotTablesTotal.getAsInt();
    }

    /** Tables of the resumable initial snapshot not finished yet. */
    public int snapshotTablesRemaining() {
        return snapshotTablesRemaining.getAsInt();
    }

    void batch(int received, int appended, int dropped, long lastCommit) {
        batches.increment();
        recordsReceived.add(received);
        eventsAppended.add(appended);
        duplicatesDropped.add(dropped);
        if (lastCommit > 0) {
            lastCommitMicros.accumulateAndGet(lastCommit, Math::max);
        }
        lastAppendMillis.set(System.currentTimeMillis());
    }

    /** Commit in PostgreSQL to durable in the log, per streamed change (snapshot rows have no commit time). */
    void captured(long commitMicros, long appendedMicros) {
        captureLatency.record(appendedMicros - commitMicros);
    }

    public LatencyHistogram captureLatency() {
        return captureLatency;
    }

    /** Commit in PostgreSQL to Debezium handing the change to Rhei (decoding, Debezium's queue), per streamed change. */
    void received(long commitMicros, long receivedMicros) {
        receiveLatency.record(receivedMicros - commitMicros);
    }

    public LatencyHistogram receiveLatency() {
        return receiveLatency;
    }

    /** One batch's conversion, log append and msync, in microseconds. */
    void appended(long micros) {
        appendDuration.record(micros);
    }

    public LatencyHistogram appendDuration() {
        return appendDuration;
    }

    public long recordsReceived() {
        return recordsReceived.sum();
    }

    /** Log records appended (change events and schema records). */
    public long eventsAppended() {
        return eventsAppended.sum();
    }

    /** Re-delivered records the log dropped as already appended. */
    public long duplicatesDropped() {
        return duplicatesDropped.sum();
    }

    public long batches() {
        return batches.sum();
    }

    public long lastCommitMicros() {
        return lastCommitMicros.get();
    }

    public long lastAppendMillis() {
        return lastAppendMillis.get();
    }
}
