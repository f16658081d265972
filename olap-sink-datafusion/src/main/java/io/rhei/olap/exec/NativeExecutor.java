package io.rhei.olap.exec;

import io.rhei.olap.QueryException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.comet.ArrowStreamScanInput;
import org.apache.comet.CometBatchIterator;
import org.apache.comet.NativeBase;
import org.apache.comet.Native;
import org.apache.comet.serde.Config.ConfigMap;
import org.apache.comet.serde.OperatorOuterClass.Operator;
import org.apache.spark.CometTaskMemoryManager;
import org.apache.spark.sql.comet.CometMetricNode;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Hands a lowered plan to DataFusion and returns its streaming result. One plan runs on the thread that reads it. */
public final class NativeExecutor {
    private static final AtomicLong IDS = new AtomicLong();
    private final Native nativeLib = new Native();
    private final NativeQueryOptions options;

    public NativeExecutor(NativeQueryOptions options) {
        this.options = options;
        try {
            Files.createDirectories(options.spillDir());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create olap.spill-dir " + options.spillDir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param inputs one iterator of batches per {@code Scan} in the plan, in depth-first left-first order; the
     *               batches belong to the executor from here on (closed after export or on close)
     */
    public NativeResultReader execute(String sql, Operator plan, List<Iterator<VectorSchemaRoot>> inputs, List<String> names,
                                      Schema plannedSchema, BufferAllocator allocator) {
        return execute(sql, plan, inputs, names, plannedSchema, allocator, 0);
    }

    /**
     * As {@link #execute(String, Operator, List, List, Schema, BufferAllocator)}, as share {@code share} of a stage
     * run in shares: the plan's {@code SparkPartitionId} expressions read {@code share}.
     */
    public NativeResultReader execute(String sql, Operator plan, List<Iterator<VectorSchemaRoot>> inputs, List<String> names,
                                      Schema plannedSchema, BufferAllocator allocator, int share) {
        boolean streams = NativeBase.abi() == NativeBase.Abi.ARROW_STREAM;
        // what createPlan receives, one per scan, and what closes each once the plan is released
        Object[] feeds = streams ? new Object[inputs.size()] : new CometBatchIterator[inputs.size()];
        List<AutoCloseable> its = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            if (streams) {
                ArrowArrayStream stream = exportStream(inputs.get(i), allocator);
                feeds[i] = stream;
                its.add(() -> {
                    stream.release(); // a no-op once the native side moved the stream out
                    stream.close();
                });
            } else {
                CometBatchIterator iterator = new CometBatchIterator(inputs.get(i), allocator);
                feeds[i] = iterator;
                its.add(iterator);
            }
        }
        ConfigMap conf = ConfigMap.newBuilder()
                .putEntries("spark.comet.explain.native.enabled", "false")
                .putEntries("spark.comet.debug.enabled", "false")
                .build();
        long id = IDS.incrementAndGet();
        CometMetricNode metrics = new CometMetricNode();
        CometTaskMemoryManager memory = new CometTaskMemoryManager(options.memoryLimit());
        long started = System.nanoTime();
        long handle;
        try {
            String[] spill = {options.spillDir().toString()};
            handle = streams
                    ? nativeLib.createPlan(id, feeds, NativePlanDialect.forLoadedLibrary().translate(plan).toByteArray(),
                            conf.toByteArray(), 1, metrics, 0L, memory, spill, options.batchSize(), true, "greedy_unified",
                            options.memoryLimit(), options.memoryLimit(), id, null, null, null)
                    : nativeLib.createPlan(id, (CometBatchIterator[]) feeds, plan.toByteArray(), conf.toByteArray(), 1,
                            metrics, 0L, memory, spill, options.batchSize(), true, "greedy_unified",
                            options.memoryLimit(), options.memoryLimit(), id, null);
        } catch (RuntimeException e) {
            closeAll(its);
            throw new QueryException(sql, "the native engine refused the plan: " + NativeErrors.oneLine(e.getMessage()), e);
        }
        return new NativeResultReader(allocator, nativeLib, handle, sql, names, plannedSchema, its, metrics, memory, started, share);
    }

    /**
     * A scan input as an Arrow C stream (1.x ABI). The native side moves the stream out of its struct when it builds
     * the scan; releasing the struct afterwards does nothing, releasing it before closes the input.
     */
    private static ArrowArrayStream exportStream(Iterator<VectorSchemaRoot> in, BufferAllocator allocator) {
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
        Data.exportArrayStream(allocator, new ArrowStreamScanInput(in, allocator), stream);
        return stream;
    }

    static void closeAll(List<? extends AutoCloseable> inputs) {
        RuntimeException first = null;
        for (AutoCloseable in : inputs) {
            try {
                in.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
