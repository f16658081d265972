package io.rhei.storage;

import io.rhei.core.model.Row;
import io.rhei.core.model.TableId;
import io.rhei.core.sink.TableSink;
import io.rhei.core.testing.TableSinkContract;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** The storages pass the sink contract every {@link TableSink} passes (beside their own {@link TableStorageContract}). */
class StorageSinkContractTest {
    private static List<List<Object>> read(TableSink sink, TableId table, RootAllocator root) {
        List<List<Object>> out = new ArrayList<>();
        try (TableSnapshot s = ((TableStorage) sink).snapshot(table)) {
            for (Row r : TableStorageContract.rows(s, root).values()) {
                out.add(Arrays.asList(r.get(0), r.get(1), r.get(2)));
            }
        }
        out.sort(Comparator.comparingLong(r -> (Long) r.get(0)));
        return out;
    }

    @Nested
    class InMemory extends TableSinkContract {
        private final RootAllocator root = new RootAllocator();

        @Override
        protected TableSink newSink() {
            return new InMemoryStorage(root, StorageConfig.defaults());
        }

        @Override
        protected List<List<Object>> rows(TableSink sink, TableId table) {
            return read(sink, table, root);
        }

        @Override
        protected void afterClose() {
            root.close();
        }
    }

    @Nested
    class LocalVortex extends TableSinkContract {
        @TempDir
        Path dir;
        private final RootAllocator root = new RootAllocator();

        @Override
        protected TableSink newSink() {
            return StorageConfig.defaults().withUri(dir.toString()).open(root);
        }

        @Override
        protected List<List<Object>> rows(TableSink sink, TableId table) {
            return read(sink, table, root);
        }

        @Override
        protected void afterClose() {
            root.close();
        }
    }
}
