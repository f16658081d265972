/**
 * <b>The JNI contract of DataFusion's native library ({@code libcomet.so} 0.12.0, and 1.x), and nothing else.</b>
 *
 * <p>Rhei runs DataFusion 50.3 through the JNI build the Apache DataFusion project ships inside
 * {@code org.apache.datafusion:comet-spark-spark3.5_2.12:0.12.0} (only the {@code .so} and the generated plan
 * protobuf classes are taken from that jar at build time). The native code looks up the classes in this package,
 * {@code org.apache.comet.parquet}, {@code org.apache.spark} and {@code org.apache.spark.sql.comet} <i>by name</i>
 * and calls them by exact signature; a missing class or method aborts the JVM. That is the only reason these
 * classes carry Apache package names: they are Rhei's own minimal implementations of that contract, with no
 * Spark behind them. Everything else lives in {@code io.rhei.olap}.
 *
 * <ul>
 *   <li>{@link org.apache.comet.NativeBase} / {@link org.apache.comet.Native}: library loading and the plan API
 *       (createPlan, executePlan, releasePlan).</li>
 *   <li>{@link org.apache.comet.CometBatchIterator}: feeds JVM Arrow batches to the native {@code Scan} operator.</li>
 *   <li>{@link org.apache.spark.CometTaskMemoryManager}: memory grants against Rhei's limit.</li>
 *   <li>{@link org.apache.spark.sql.comet.CometMetricNode}: receives operator metrics.</li>
 *   <li>{@link org.apache.spark.sql.comet.CometScalarSubquery}: scalar subquery values.</li>
 *   <li>Exception classes the native side constructs: {@link org.apache.comet.CometNativeException},
 *       {@link org.apache.comet.ParquetRuntimeException}, {@link org.apache.spark.SparkException},
 *       {@link org.apache.spark.sql.comet.CastOverflowException}.</li>
 * </ul>
 * The ABI changes between releases (createPlan's parameters changed in 0.11, 0.13 and 1.0). Rhei packages 0.12.0
 * and also speaks the 1.x ABI, for {@code -Drhei.datafusion.library=} pointing at the library inside
 * {@code comet-spark-spark4.1_2.13:1.2.0} (DataFusion 55.2); {@link org.apache.comet.NativeBase#abi()} tells which is
 * loaded:
 * <ul>
 *   <li>{@link org.apache.comet.ArrowStreamScanInput}: the 1.x scans pull an Arrow C stream instead of
 *       {@code CometBatchIterator};</li>
 *   <li>{@link org.apache.comet.Native#createPlan(long, Object[], byte[], byte[], int,
 *       org.apache.spark.sql.comet.CometMetricNode, long, org.apache.spark.CometTaskMemoryManager, String[], int,
 *       boolean, String, long, long, long, org.apache.comet.parquet.CometFileKeyUnwrapper, org.apache.spark.TaskContext,
 *       ClassLoader)}: its 1.x signature;</li>
 *   <li>classes the 1.x library looks up at start-up though Rhei's plans never use them:
 *       {@link org.apache.comet.CometShuffleBlockIterator}, {@link org.apache.comet.CometSchemaUtils},
 *       {@code org.apache.comet.cloud.s3.*}, {@link org.apache.spark.TaskContext}, and the error class
 *       {@link org.apache.comet.exceptions.CometQueryExecutionException} (JSON messages);</li>
 *   <li>the 1.x protobuf's changed meanings are rewritten by {@code io.rhei.olap.exec.NativePlanDialect}.</li>
 * </ul>
 */
package org.apache.comet;
