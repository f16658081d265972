package io.rhei.olap.exec;

import io.rhei.core.config.Settings;

import java.nio.file.Path;
import java.util.List;

/**
 * Keys:
 * <pre>
 * olap.memory-limit   native memory one query may use before it spills or fails (default 4g)
 * olap.spill-dir      where operators spill (default {java.io.tmpdir}/rhei-spill)
 * olap.batch-size     rows per native batch (default 8192)
 * olap.scan-batch-rows  table data is handed to the native scan in slices of at most this many rows, without copying
 *                     (default 65536: cache-friendly for the native operators, few JNI crossings; 0 = whole files)
 * olap.parallelism    native plans one aggregation runs at once, each over its share of the largest table's slices
 *                     (default: the number of processors; 1 = one thread per query)
 * olap.parallel-min-rows  only aggregations over a table estimated at least this large run in shares (default 1000000):
 *                     below it, starting the shares costs more than they save
 * olap.plan-cache-size  plans kept by SQL text for queries run again, reused while the tables they read keep their
 *                     schema and row counts within a tenth (default 256; 0 = plan every query anew)
 * </pre>
 */
public record NativeQueryOptions(long memoryLimit, Path spillDir, int batchSize, int scanBatchRows, int parallelism,
                                 long parallelMinRows, int planCacheSize) {
    public static final List<String> KEYS = List.of("olap.memory-limit", "olap.spill-dir", "olap.batch-size", "olap.scan-batch-rows",
            "olap.parallelism", "olap.parallel-min-rows", "olap.plan-cache-size");

    public NativeQueryOptions {
        if (scanBatchRows < 0 || scanBatchRows % 8 != 0) {
            throw new io.rhei.core.RheiException("olap.scan-batch-rows must be 0 or a positive multiple of 8, got " + scanBatchRows);
        }
        if (planCacheSize < 0) {
            throw new io.rhei.core.RheiException("olap.plan-cache-size must be 0 (no cache) or more, got " + planCacheSize);
        }
        if (parallelism < 1) {
            throw new io.rhei.core.RheiException("olap.parallelism must be at least 1, got " + parallelism);
        }
    }

    public static NativeQueryOptions defaults() {
        return new NativeQueryOptions(4L << 30, Path.of(System.getProperty("java.io.tmpdir"), "rhei-spill"), 8192, 65536,
                Runtime.getRuntime().availableProcessors(), 1_000_000, 256);
    }

    public NativeQueryOptions withParallelism(int n) {
        return new NativeQueryOptions(memoryLimit, spillDir, batchSize, scanBatchRows, n, parallelMinRows, planCacheSize);
    }

    /** {@code rows}: the smallest estimated table an aggregation runs in shares over (0: every eligible one, as tests want). */
    public NativeQueryOptions withParallelMinRows(long rows) {
        return new NativeQueryOptions(memoryLimit, spillDir, batchSize, scanBatchRows, parallelism, rows, planCacheSize);
    }

    /** {@code plans}: how many plans are kept for queries run again (0: every query is planned anew). */
    public NativeQueryOptions withPlanCacheSize(int plans) {
        return new NativeQueryOptions(memoryLimit, spillDir, batchSize, scanBatchRows, parallelism, parallelMinRows, plans);
    }

    public static NativeQueryOptions from(Settings s) {
        NativeQueryOptions d = defaults();
        return new NativeQueryOptions(s.getLong("olap.memory-limit", d.memoryLimit()),
                Path.of(s.getString("olap.spill-dir", d.spillDir().toString())), s.getInt("olap.batch-size", d.batchSize()),
                s.getInt("olap.scan-batch-rows", d.scanBatchRows()), s.getInt("olap.parallelism", d.parallelism()),
                s.getLong("olap.parallel-min-rows", d.parallelMinRows()), s.getInt("olap.plan-cache-size", d.planCacheSize()));
    }
}
