package io.rhei.olap;

import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import io.rhei.testing.OrdersTable;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Long IN and NOT IN lists (clients send 800 keywords) plan as one list and answer as SQL does, NULLs included. */
class LongInListTest {
    private static String values(int n, String extra) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("'w").append(i).append("', ");
        }
        return b.append(extra).toString();
    }

    @Test
    void notInAndInOverEightHundredValues() {
        try (RootAllocator root = new RootAllocator();
             DataFusionOlapEngine engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults())) {
            OrdersTable.load(engine, 10); // 5 'paid', 5 'new'
            assertEquals(List.of(List.of(5L)), QueryResults.read(engine.query(
                    "SELECT count(*) FROM orders WHERE status NOT IN (" + values(800, "'paid'") + ")", root)).rows());
            assertEquals(List.of(List.of(5L)), QueryResults.read(engine.query(
                    "SELECT count(*) FROM orders WHERE status IN (" + values(800, "'paid'") + ")", root)).rows());
            assertEquals(List.of(List.of(5L)), QueryResults.read(engine.query(
                    "SELECT count(*) FROM orders WHERE status <> 'a' AND status <> 'b' AND status <> 'new' AND id > 0", root)).rows());
            // a NULL on the left is unknown, so neither list keeps it
            assertEquals(List.of(List.of(0L, 0L)), QueryResults.read(engine.query(
                    "SELECT count(*) FILTER (WHERE s NOT IN (" + values(50, "'x'") + ")), count(*) FILTER (WHERE s IN (" + values(50, "'x'")
                            + ")) FROM (SELECT CAST(NULL AS VARCHAR) AS s FROM orders) t", root)).rows());
        }
    }
}
