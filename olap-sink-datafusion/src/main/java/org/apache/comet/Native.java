package org.apache.comet;

import org.apache.comet.parquet.CometFileKeyUnwrapper;
import org.apache.spark.CometTaskMemoryManager;
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
     * Moves the next output batch into the caller's ArrowArray/ArrowSchema structs (one per output column).
     * Returns its row count, or -1 at the end.
     */
    public native long executePlan(int stageId, int partition, long plan, long[] arrayAddrs, long[] schemaAddrs);

    /** Pushes the final metrics into the metric node and frees the context. */
    public native void releasePlan(long plan);
}
