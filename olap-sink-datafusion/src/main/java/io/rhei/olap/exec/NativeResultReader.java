package io.rhei.olap.exec;

import io.rhei.olap.QueryException;
import org.apache.arrow.c.ArrowArray;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.comet.Native;
import org.apache.spark.CometTaskMemoryManager;
import org.apache.spark.sql.comet.CometMetricNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams the result of one native plan batch by batch: each {@link #loadNextBatch()} asks DataFusion for the
 * next batch on the calling thread (which also pulls the JVM-fed scans), imports it through the C Data Interface
 * into the caller's allocator and moves it into this reader's root. Nothing is buffered beyond one batch. The
 * schema is taken from the first native batch (DataFusion decides the exact result types), with the SQL
 * column names; an empty result has the planned schema. Closing the reader releases the native plan and any
 * scan input not consumed.
 */
public final class NativeResultReader extends ArrowReader {
    private static final Logger LOG = LoggerFactory.getLogger(NativeResultReader.class);
    private final Native nativeLib;
    private final long handle;
    private final String sql;
    private final List<String> names;
    private final Schema plannedSchema;
    private final List<? extends AutoCloseable> inputs;
    private final CometMetricNode metrics;
    private final CometTaskMemoryManager memory;
    private final BufferAllocator allocator;
    private final long startedNanos;
    private List<FieldVector> pending;
    private long pendingRows = -1;
    private boolean finished;
    private boolean released;
    private long rows;
    /** The partition the native planner is told (its {@code SparkPartitionId}): the share of a stage in shares. */
    private final int share;

    NativeResultReader(BufferAllocator allocator, Native nativeLib, long handle, String sql, List<String> names, Schema plannedSchema,
                       List<? extends AutoCloseable> inputs, CometMetricNode metrics, CometTaskMemoryManager memory, long startedNanos,
                       int share) {
        super(allocator);
        this.share = share;
        this.allocator = allocator;
        this.nativeLib = nativeLib;
        this.handle = handle;
        this.sql = sql;
        this.names = names;
        this.plannedSchema = plannedSchema;
        this.inputs = inputs;
        this.metrics = metrics;
        this.memory = memory;
        this.startedNanos = startedNanos;
    }

    /** The query this result belongs to. */
    public String sql() {
        return sql;
    }

    /** Pulls one batch from native code; null at the end. */
    private List<FieldVector> pull() {
        int n = names.size();
        ArrowArray[] arrays = new ArrowArray[n];
        ArrowSchema[] schemas = new ArrowSchema[n];
        long[] arrayAddrs = new long[n];
        long[] schemaAddrs = new long[n];
        try {
            for (int i = 0; i < n; i++) {
                arrays[i] = ArrowArray.allocateNew(allocator);
                schemas[i] = ArrowSchema.allocateNew(allocator);
                arrayAddrs[i] = arrays[i].memoryAddress();
                schemaAddrs[i] = schemas[i].memoryAddress();
            }
            long r;
            try {
                r = nativeLib.executePlan(0, share, handle, arrayAddrs, schemaAddrs);
            } catch (RuntimeException e) {
                throw new QueryException(sql, "query failed: " + NativeErrors.oneLine(e.getMessage()), e);
            }
            if (r < 0) {
                return null;
            }
            List<FieldVector> vectors = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                vectors.add(Data.importVector(allocator, arrays[i], schemas[i], null));
            }
            pendingRows = r;
            return vectors;
        } finally {
            for (int i = 0; i < n; i++) {
                if (arrays[i] != null) {
                    arrays[i].close();
                }
                if (schemas[i] != null) {
                    schemas[i].close();
                }
            }
        }
    }

    @Override
    protected Schema readSchema() {
        pending = pull();
        if (pending == null) {
            finished = true;
            return plannedSchema;
        }
        List<Field> fields = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            Field f = pending.get(i).getField();
            fields.add(new Field(names.get(i), new FieldType(true, f.getType(), f.getDictionary(), f.getMetadata()), f.getChildren()));
        }
        return new Schema(fields);
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        ensureInitialized();
        if (finished && pending == null) {
            return false;
        }
        List<FieldVector> batch = pending;
        pending = null;
        if (batch == null) {
            batch = pull();
            if (batch == null) {
                finished = true;
                releasePlan();
                return false;
            }
        }
        VectorSchemaRoot root = getVectorSchemaRoot();
        try {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).makeTransferPair(root.getVector(i)).transfer();
            }
        } finally {
            batch.forEach(FieldVector::close);
        }
        root.setRowCount((int) pendingRows);
        rows += pendingRows;
        return true;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    /** Operator metrics (rows, time per operator) as DataFusion reported them; complete once the reader is closed. */
    public CometMetricNode metrics() {
        return metrics;
    }

    public long peakNativeMemory() {
        return memory.peak();
    }

    private void releasePlan() {
        if (!released) {
            released = true;
            nativeLib.releasePlan(handle);
            NativeExecutor.closeAll(inputs);
            if (LOG.isDebugEnabled()) {
                // releasePlan has just pushed the final operator metrics (rows, time per operator) into the tree
                LOG.debug("query returned {} rows in {} ms (peak native memory {} bytes): {}\noperator metrics:\n{}", rows,
                        (System.nanoTime() - startedNanos) / 1_000_000, memory.peak(), sql, metrics.render());
            }
        }
    }

    @Override
    protected void closeReadSource() {
        if (pending != null) {
            pending.forEach(FieldVector::close);
            pending = null;
        }
        releasePlan();
    }
}
