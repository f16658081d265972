package io.rhei;

import io.rhei.cdc.SlotMonitor;
import io.rhei.server.FlightSqlQueryServer;
import io.rhei.server.MetricsHttpServer;
import io.rhei.server.MetricsHttpServer.Sample;
import io.rhei.core.engine.SyncMetrics;
import io.rhei.core.model.TableId;
import io.rhei.storage.TableSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The figures of a running sync, as Prometheus samples: capture, apply, lag, rows per table, queries. */
final class RheiMetrics {
    private final Rhei pipeline;
    private final FlightSqlQueryServer queries;

    RheiMetrics(Rhei pipeline, FlightSqlQueryServer queries) {
        this.pipeline = pipeline;
        this.queries = queries;
    }

    List<Sample> samples() {
        List<Sample> out = new ArrayList<>();
        SyncMetrics m = pipeline.engine().metrics();
        out.add(Sample.counter("rhei_events_captured_total", pipeline.source().metrics().eventsAppended(),
                "Change records appended to the change log by the CDC source"));
        out.add(Sample.counter("rhei_snapshot_rows_copied_total", pipeline.source().metrics().snapshotRowsCopied(),
                "Snapshot rows read from PostgreSQL by this process (initial snapshot and resyncs)"));
        out.add(Sample.gauge("rhei_snapshot_tables_total", pipeline.source().metrics().snapshotTablesTotal(),
                "Tables of the resumable initial snapshot (0: none in this process)"));
        SnapshotProgress progress = pipeline.snapshotProgress();
        out.add(Sample.gauge("rhei_snapshot_rows_per_second", progress.rowsPerSecond(), "Snapshot rows read per second by this process"));
        out.add(Sample.gauge("rhei_snapshot_seconds_left", progress.secondsLeft(),
                "The initial snapshot's estimated seconds left at the current rate (0: done; -1: unknown)"));
        for (SnapshotProgress.Table t : progress.tables()) {
            out.add(new Sample("rhei_snapshot_table_rows_read", Map.of("table", t.table()), t.rowsRead(), "gauge",
                    "Rows of a table the snapshot has read (this process)"));
            out.add(new Sample("rhei_snapshot_table_rows_estimated", Map.of("table", t.table()), t.rowsEstimated(), "gauge",
                    "PostgreSQL's estimate of a snapshot table's rows (-1: none)"));
        }
        out.add(Sample.gauge("rhei_snapshot_tables_done", pipeline.source().metrics().snapshotTablesTotal()
                - pipeline.source().metrics().snapshotTablesRemaining(), "Tables of the resumable initial snapshot read completely"));
        out.add(Sample.counter("rhei_events_applied_total", m.eventsApplied(), "Change events applied to the OLAP tables"));
        out.add(Sample.counter("rhei_events_skipped_total", m.eventsSkipped(), "Replayed events a table had already applied"));
        out.add(Sample.gauge("rhei_lag_events", m.lagEvents(), "Change log records not yet read by the sync engine"));
        out.add(Sample.gauge("rhei_log_end_seq", pipeline.log().lastSeq(), "Sequence of the newest record in the change log"));
        out.add(Sample.gauge("rhei_arrow_allocated_bytes", pipeline.allocatedBytes(), "Arrow memory held by tables and running queries"));
        out.add(Sample.gauge("rhei_lag_seconds", m.lagMillis(System.currentTimeMillis(), pipeline.engine().caughtUp()) / 1000.0,
                "Now minus the commit time of the newest applied change, while behind"));
        SlotMonitor slots = pipeline.slots();
        if (slots != null) {
            out.add(Sample.gauge("rhei_replication_lag_bytes", slots.lagBytes(),
                    "PostgreSQL's current WAL position minus the slot's confirmed position (-1: unknown)"));
            out.add(Sample.gauge("rhei_replication_slot_retained_bytes", slots.retainedBytes(), "WAL PostgreSQL keeps for the slot (-1: unknown)"));
            out.add(Sample.gauge("rhei_replication_slot_idle_seconds", slots.secondsSinceAdvance(), "Seconds since the slot last advanced"));
            long lastCommit = pipeline.source().metrics().lastCommitMicros();
            out.add(Sample.gauge("rhei_replication_lag_seconds", slots.lagBytes() <= 0 || lastCommit == 0 ? 0
                    : Math.max(0, System.currentTimeMillis() / 1000.0 - lastCommit / 1e6),
                    "Now minus the commit time of the newest captured change, while the slot is behind"));
        }
        out.add(Sample.gauge("rhei_capture_latency_p99_seconds", pipeline.source().metrics().captureLatency().percentile(99) / 1e6,
                "Commit to durable in the change log, 99th percentile"));
        // each stage of freshness, as a latency since the commit (or a duration), at the 50th and 99th percentiles
        java.util.Map<String, io.rhei.core.metrics.LatencyHistogram> stages = new java.util.LinkedHashMap<>();
        stages.put("received", pipeline.source().metrics().receiveLatency());
        stages.put("durable", pipeline.source().metrics().captureLatency());
        stages.put("applied", m.applyLatency());
        stages.forEach((stage, h) -> {
            for (int q : new int[]{50, 99}) {
                out.add(new Sample("rhei_stage_latency_seconds", Map.of("stage", stage, "quantile", "0." + q), h.percentile(q) / 1e6, "gauge",
                        "Commit in PostgreSQL to: received from Debezium, durable in the change log, applied to the table"));
            }
        });
        for (var d : java.util.Map.of("log_append", pipeline.source().metrics().appendDuration(), "table_apply", m.applyDuration()).entrySet()) {
            for (int q : new int[]{50, 99}) {
                out.add(new Sample("rhei_stage_duration_seconds", Map.of("step", d.getKey(), "quantile", "0." + q), d.getValue().percentile(q) / 1e6,
                        "gauge", "One batch's conversion, log append and msync (log_append), or apply to the table (table_apply)"));
            }
        }
        for (TableId t : pipeline.olap().tables()) {
            long rows;
            try (TableSnapshot s = pipeline.olap().storage().snapshot(t)) {
                rows = s.rowCount();
            }
            out.add(new Sample("rhei_table_rows", Map.of("table", t.toString()), rows, "gauge", "Rows in the OLAP copy of a table"));
        }
        for (TableId t : pipeline.olap().tables()) {
            out.add(new Sample("rhei_table_applied_seq", Map.of("table", t.toString()), pipeline.olap().appliedSeq(t), "gauge",
                    "Last change log sequence applied to a table"));
        }
        out.add(Sample.gauge("rhei_applied_lsn", pipeline.appliedLsn(),
                "PostgreSQL LSN through which every captured commit is applied (read-your-writes; 0 before the first watermark)"));
        if (queries != null) {
            out.add(Sample.counter("rhei_queries_total", queries.stats().completed(), "Queries answered"));
            out.add(Sample.counter("rhei_queries_failed_total", queries.stats().failed(), "Queries refused or failed"));
            out.add(new Sample("rhei_query_seconds", Map.of("quantile", "0.5"), queries.stats().latency().percentile(50) / 1e6, "gauge",
                    "Query latency, start to last batch sent"));
            out.add(new Sample("rhei_query_seconds", Map.of("quantile", "0.99"), queries.stats().latency().percentile(99) / 1e6, "gauge",
                    "Query latency, start to last batch sent"));
        }
        jvm(out);
        return out;
    }

    /** The process's own memory: what an operator sizes the heap and the machine by. */
    private static void jvm(List<Sample> out) {
        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.add(Sample.gauge("jvm_memory_heap_used_bytes", heap.getUsed(), "Heap in use, live and not yet collected"));
        out.add(Sample.gauge("jvm_memory_heap_committed_bytes", heap.getCommitted(), "Heap the JVM holds from the system"));
        out.add(Sample.gauge("jvm_memory_heap_max_bytes", heap.getMax(), "The heap's limit (-Xmx, RHEI_HEAP)"));
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    out.add(Sample.gauge("process_resident_memory_bytes", kibibytes(line) * 1024, "Resident memory of the process"));
                } else if (line.startsWith("VmHWM:")) {
                    out.add(Sample.gauge("process_resident_memory_peak_bytes", kibibytes(line) * 1024, "Peak resident memory of the process"));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no resident memory figures
        }
    }

    private static long kibibytes(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }
}
