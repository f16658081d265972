package io.rhei.storage;

import org.apache.arrow.memory.RootAllocator;

import java.time.Duration;

/**
 * Child JVM of {@link StorageCrashTest}: opens the storage, then commits batch after batch (with frequent
 * compactions) until it is killed, printing each applied sequence once its commit has returned.
 */
public final class CommitChild {
    public static void main(String[] args) {
        StorageConfig config = new StorageConfig(args[0], 3, 20_000, 0.3, Duration.ofMillis(0), args.length > 1 ? args[1] : null, "us-east-1");
        try (RootAllocator root = new RootAllocator(); TableStorage storage = config.open(root)) {
            storage.ensureTable(CommitWorkload.SCHEMA, 0);
            for (long n = storage.appliedSeq(CommitWorkload.TABLE) + 1; ; n++) {
                storage.apply(CommitWorkload.batch(n));
                System.out.println("committed " + n);
                System.out.flush();
            }
        }
    }
}
