package org.apache.comet;

import org.apache.comet.parquet.CometFileKeyUnwrapper;
import org.apache.spark.CometTaskMemoryManager;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.comet.CometMetricNode;

/** The plan entry points of {@code libcomet.so} ({@code Java_org_apache_comet_Native_*}); signatures are the ABI. */
public final class Native extends NativeBase {

    /**
     * Deserialises an {@code Operator} plan into a native execution context; returns its handle.
     * {@code iterators} feed the plan's {@code Scan} operators in depth-first, left-first order.
     */
    public native long createPlan(long id, CometBatchIterator[] iterators, byte[] serializedPlan, byte[] serializedConfigs,
                                  int partitionCount, CometMetricNode metricsNode, long metricsUpdateInterval,
                                  CometTaskMemoryManager taskMemoryManager, String[] localDirs, int batchSize, boolean offHeapMode,
                                  String memoryPoolType, long memoryLimit, long memoryLimitPerTask, long taskAttemptId,
                                  CometFileKeyUnwrapper keyUnwrapper);

    /**
     * The same entry point in the 1.x ABI ({@link NativeBase.Abi#ARROW_STREAM}): {@code inputs} are
     * {@code org.apache.arrow.c.ArrowArrayStream}s, which the native side moves out of at once, and two trailing
     * parameters (Spark's task context and class loader, for JVM UDFs) are always null here. Both declarations bind to
     * the one symbol the loaded library exports; only the one matching {@link NativeBase#abi()} may be called.
     */
    public native long createPlan(long id, Object[] inputs, byte[] serializedPlan, byte[] serializedConfigs,
                                  int partitionCount, CometMetricNode metricsNode, long metricsUpdateInterval,
                                  CometTaskMemoryManager taskMemoryManager, String[] localDirs, int batchSize, boolean offHeapMode,
                                  String memoryPoolType, long memoryLimit, long memoryLimitPerTask, long taskAttemptId,
                                  CometFileKeyUnwrapper keyUnwrapper, TaskContext taskContext, ClassLoader classLoader);

    /**
     * Moves the next output batch into the caller's ArrowArray/ArrowSchema structs (one per output column).
     * Returns its row count, or -1 at the end.
     */
    public native long executePlan(int stageId, int partition, long plan, long[] arrayAddrs, long[] schemaAddrs);

    /** Pushes the final metrics into the metric node and frees the context. */
    public native void releasePlan(long plan);
}
