package io.rhei.olap;

import io.rhei.core.model.TableId;
import io.rhei.core.sink.TableSink;
import io.rhei.core.testing.TableSinkContract;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.memory.RootAllocator;

import java.util.List;

/** The query engine is a sink too: it passes the contract every {@link TableSink} passes, read back through SQL. */
class DataFusionSinkContractTest extends TableSinkContract {
    private final RootAllocator root = new RootAllocator();

    @Override
    protected TableSink newSink() {
        return new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
    }

    @Override
    protected List<List<Object>> rows(TableSink sink, TableId table) {
        return QueryResults.read(((DataFusionOlapEngine) sink).query("SELECT id, name, qty FROM " + table + " ORDER BY id", root)).rows();
    }

    @Override
    protected void afterClose() {
        root.close();
    }
}
