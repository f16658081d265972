package io.rhei.olap.exec;

import io.rhei.core.config.ConfigKey;
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
    public static final ConfigKey MEMORY_LIMIT = ConfigKey.of("olap.memory-limit", "4g",
            "native memory one query may use before it spills or fails");
    public static final ConfigKey SPILL_DIR = ConfigKey.computed("olap.spill-dir", "`{java.io.tmpdir}/rhei-spill`", "where operators spill");
    public static final ConfigKey BATCH_SIZE = ConfigKey.of("olap.batch-size", "8192", "rows per native batch");
    public static final ConfigKey SCAN_BATCH_ROWS = ConfigKey.of("olap.scan-batch-rows", "65536",
            "table data reaches the native scan in slices of at most this many rows, without copying (0: whole files)");
    public static final ConfigKey PARALLELISM = ConfigKey.computed("olap.parallelism", "the number of processors",
            "native plans one aggregation runs at once, each over its share of the largest table (1: one thread per query)");
    public static final ConfigKey PARALLEL_MIN_ROWS = ConfigKey.of("olap.parallel-min-rows", "1000000",
            "only aggregations over a table estimated at least this large run in shares");
    public static final ConfigKey PLAN_CACHE_SIZE = ConfigKey.of("olap.plan-cache-size", "256",
            "plans kept by SQL text for queries run again (0: plan every query anew)");
    public static final List<ConfigKey> KEYS = List.of(MEMORY_LIMIT, SPILL_DIR, BATCH_SIZE, SCAN_BATCH_ROWS, PARALLELISM,
            PARALLEL_MIN_ROWS, PLAN_CACHE_SIZE);

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
        return from(Settings.empty());
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
        return new NativeQueryOptions(s.getLong(MEMORY_LIMIT),
                Path.of(s.get(SPILL_DIR).orElse(Path.of(System.getProperty("java.io.tmpdir"), "rhei-spill").toString())),
                s.getInt(BATCH_SIZE), s.getInt(SCAN_BATCH_ROWS), s.getInt(PARALLELISM.name(), Runtime.getRuntime().availableProcessors()),
                s.getLong(PARALLEL_MIN_ROWS), s.getInt(PLAN_CACHE_SIZE));
    }
}
