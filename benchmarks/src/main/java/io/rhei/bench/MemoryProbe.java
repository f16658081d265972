package io.rhei.bench;

import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import io.rhei.testing.TpchDataset;
import org.apache.arrow.memory.RootAllocator;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child process of {@link MemoryBenchmark}: loads TPC-H into in-memory storage, as a sidecar with
 * {@code storage.uri=memory:} holds its tables, then prints one line with its resident memory before (with the data generator's own tables made) and after, the
 * heap committed and used, and the Arrow bytes the tables hold. Args: scale factor, seconds to stay idle before measuring.
 */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        double sf = Double.parseDouble(args[0]);
        long idleSeconds = Long.parseLong(args[1]);
        TpchDataset data = new TpchDataset(sf);
        // the generator's own tables (text pools of a few hundred MB) are made before the baseline: they are not storage
        for (String table : TpchDataset.tableNames()) {
            data.rows(table, values -> { });
        }
        System.gc();
        long generatorHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rssBefore = rss();
        try (RootAllocator root = new RootAllocator();
             DataFusionOlapEngine engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()),
                     NativeQueryOptions.defaults())) {
            long rows = data.load(engine, 200_000);
            Thread.sleep(idleSeconds * 1000);
            long rssAfter = rss();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            long committed = heap.getCommitted();
            System.gc();
            long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - generatorHeap;
            System.out.println("RESULT " + rows + " " + rssBefore + " " + rssAfter + " " + committed + " " + live + " "
                    + root.getAllocatedMemory());
        }
    }

    /** Resident set size of this process, from /proc (Linux). */
    static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
