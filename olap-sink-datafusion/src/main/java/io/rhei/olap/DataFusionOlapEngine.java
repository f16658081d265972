package io.rhei.olap;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableSink;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.olap.exec.NativeExecutor;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.olap.exec.NativeResultReader;
import io.rhei.olap.physical.LoweredPlan;
import io.rhei.olap.sql.SqlPlanner;
import io.rhei.storage.TableStorage;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The OLAP engine: writes go to a {@link TableStorage}; SQL is planned by Calcite ({@link SqlPlanner}) and run by
 * DataFusion ({@link NativeExecutor}) over snapshots of the tables it reads, taken when the query starts, so a
 * query sees each table as of one commit while syncing goes on.
 */
public final class DataFusionOlapEngine implements TableSink, io.rhei.core.query.QueryEngine {
    private final TableStorage storage;
    /** The synced tables and the pg_catalog and information_schema generated from them: what queries read. */
    private final io.rhei.olap.catalog.CatalogStorage readable;
    private final SqlPlanner planner;
    private final PlanRunner runner;
    /** Runs the extra shares of parallel stages (the query's own thread runs the first). */
    private final java.util.concurrent.ExecutorService shares = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rhei-query-share");
        t.setDaemon(true);
        return t;
    });

    public DataFusionOlapEngine(TableStorage storage, NativeQueryOptions options) {
        this.storage = storage;
        this.readable = new io.rhei.olap.catalog.CatalogStorage(storage);
        this.planner = new SqlPlanner(readable, options.parallelism(), options.parallelMinRows(), options.planCacheSize());
        this.runner = new PlanRunner(readable, new NativeExecutor(options), options, shares);
    }

    public TableStorage storage() {
        return storage;
    }

    @Override
    public void ensureTable(TableSchema schema, long seq) {
        storage.ensureTable(schema, seq);
    }

    @Override
    public Optional<TableSchema> schema(TableId table) {
        return storage.schema(table);
    }

    @Override
    public Set<TableId> tables() {
        return storage.tables();
    }

    @Override
    public void apply(TableChangeBatch batch) {
        storage.apply(batch);
    }

    @Override
    public long appliedSeq(TableId table) {
        return storage.appliedSeq(table);
    }

    @Override
    public ArrowReader query(String sql, BufferAllocator allocator) {
        return execute(sql, allocator);
    }

    @Override
    public ArrowReader query(String sql, List<io.rhei.core.schema.ColumnType> declaredTypes, List<?> values, BufferAllocator allocator) {
        return runner.run(planner.plan(sql, declaredTypes, values, allocator), allocator);
    }

    @Override
    public io.rhei.core.schema.TableCatalog catalog() {
        return this;
    }

    @Override
    public io.rhei.core.query.QueryDescription describe(String sql, List<io.rhei.core.schema.ColumnType> declaredTypes) {
        return planner.describe(sql, declaredTypes);
    }

    /**
     * Plans {@code sql} without running it: raises the errors a query would raise before execution, and returns
     * the result schema the plan predicts (exact names; the native engine settles exact decimal sizes).
     */
    @Override
    public org.apache.arrow.vector.types.pojo.Schema resultSchema(String sql) {
        return planner.plan(sql).plannedSchema();
    }

    /**
     * The optimised Calcite plan, then the native operator tree ({@link io.rhei.olap.exec.NativePlanText}) and the
     * trees of the stages it reads (run in shares, or first). Planned with the column statistics already counted:
     * {@link #explain(String, BufferAllocator)} counts those it lacks, as a query does, so it shows the plan that runs.
     */
    @Override
    public String explain(String sql) {
        return explained(planner.plan(sql));
    }

    /** {@link #explain(String)}, counting the statistics the plan needs with buffers from {@code allocator}, as a query does. */
    public String explain(String sql, BufferAllocator allocator) {
        return explained(planner.plan(sql, allocator));
    }

    private static String explained(LoweredPlan plan) {
        StringBuilder out = new StringBuilder("logical plan:\n").append(plan.logicalPlan()).append("native plan:\n");
        appendNative(plan, "", out, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return out.toString();
    }

    /** How a stage's shares divide its rows, as explained: by a split of one table, by key hash, or by key range. */
    private static String sharesOf(io.rhei.olap.physical.ScanInput.Partitioned p) {
        if (p.splitScan() >= 0) {
            return ", in shares";
        }
        List<String> ranged = new java.util.ArrayList<>();
        for (io.rhei.olap.physical.ScanInput s : p.stage().scans()) {
            if (s instanceof io.rhei.olap.physical.ScanInput.Table t && t.keyRange() != null) {
                ranged.add(t.table().table() + "." + t.keyRange().column());
            }
        }
        return ranged.isEmpty() ? ", in shares by key" : ", in shares by key range of " + String.join(", ", ranged);
    }

    /** {@code shown}: the parts computed once already printed (their other readers name them only). */
    private static void appendNative(LoweredPlan plan, String indent, StringBuilder out,
                                     java.util.Set<io.rhei.olap.physical.ScanInput> shown) {
        out.append(io.rhei.olap.exec.NativePlanText.of(plan.plan()).indent(indent.length()));
        for (io.rhei.olap.physical.ScanInput input : plan.scans()) {
            if (input instanceof io.rhei.olap.physical.ScanInput.Partitioned p) {
                out.append(indent).append("stage ").append(p.source()).append(sharesOf(p)).append(":\n");
                appendNative(p.stage(), indent + "  ", out, shown);
            } else if (input instanceof io.rhei.olap.physical.ScanInput.Shared sh && shown.add(sh)) {
                out.append(indent).append(sh.source()).append(", run once, read wherever it repeats:\n");
                appendNative(sh.plan(), indent + "  ", out, shown);
            } else if (input instanceof io.rhei.olap.physical.ScanInput.Materialized m) {
                for (LoweredPlan branch : m.branches()) {
                    out.append(indent).append("run first:\n");
                    appendNative(branch, indent + "  ", out, shown);
                }
            }
        }
    }

    /** Like {@link #query}, with the native reader's metrics and memory figures. */
    public NativeResultReader execute(String sql, BufferAllocator allocator) {
        return runner.run(planner.plan(sql, allocator), allocator);
    }

    @Override
    public void close() {
        shares.shutdownNow();
        readable.close(); // the catalog, then the synced tables
    }
}
