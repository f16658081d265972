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
 * </pre>
 */
public record NativeQueryOptions(long memoryLimit, Path spillDir, int batchSize) {
    public static final List<String> KEYS = List.of("olap.memory-limit", "olap.spill-dir", "olap.batch-size");

    public static NativeQueryOptions defaults() {
        return new NativeQueryOptions(4L << 30, Path.of(System.getProperty("java.io.tmpdir"), "rhei-spill"), 8192);
    }

    public static NativeQueryOptions from(Settings s) {
        NativeQueryOptions d = defaults();
        return new NativeQueryOptions(s.getLong("olap.memory-limit", d.memoryLimit()),
                Path.of(s.getString("olap.spill-dir", d.spillDir().toString())), s.getInt("olap.batch-size", d.batchSize()));
    }
}
