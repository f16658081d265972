package io.rhei.storage;

import io.rhei.testing.ChildJvm;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child JVM commits to local Vortex storage and is killed with SIGKILL at random moments (mid data file,
 * mid deletion vector, mid manifest, mid compaction), 20 times. After each kill the storage is opened here: it
 * must hold exactly the state of its applied sequence, which is at least the last commit the child saw return.
 */
class StorageCrashTest {
    private static final Logger LOG = LoggerFactory.getLogger(StorageCrashTest.class);
    private static final int KILLS = 20;

    @TempDir
    Path dir;

    @Test
    void sigkillDuringCommitsTwentyTimesAlwaysReopensAtTheLastCommit() throws Exception {
        Random rnd = new Random(5);
        long lastSeen = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = startChild();
            AtomicLong acknowledged = new AtomicLong(lastSeen);
            Thread reader = new Thread(() -> readAcks(child, acknowledged));
            reader.start();
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.get() < lastSeen + 3 && child.isAlive() && System.nanoTime() < waitUntil) {
                Thread.sleep(5);
            }
            assertTrue(child.isAlive(), "the committing child died on its own; see its output above");
            Thread.sleep(rnd.nextInt(400));
            child.destroyForcibly(); // SIGKILL
            child.waitFor(30, TimeUnit.SECONDS);
            reader.join(10_000);
            long acked = acknowledged.get();
            try (RootAllocator root = new RootAllocator();
                 TableStorage storage = new StorageConfig(dir.toString(), 3, 20_000, 0.3, Duration.ofMillis(0), null, null).open(root)) {
                long applied = storage.appliedSeq(CommitWorkload.TABLE);
                assertTrue(applied >= acked, "applied sequence " + applied + " is behind the last acknowledged commit " + acked);
                assertTrue(applied <= acked + 1, "applied sequence " + applied + " is ahead of anything the child could have committed");
                Map<RowKey, Row> got;
                try (TableSnapshot snap = storage.snapshot(CommitWorkload.TABLE)) {
                    got = TableStorageContract.rows(snap, root);
                }
                assertEquals(CommitWorkload.expected(applied), got, "state after kill " + (kill + 1) + " at applied sequence " + applied);
                LOG.info("kill {}: last acknowledged commit {}, reopened at {} with {} rows, {} files", kill + 1, acked, applied, got.size(),
                        ((MergeOnReadStorage) storage).fileCount(CommitWorkload.TABLE));
                int files = ((MergeOnReadStorage) storage).fileCount(CommitWorkload.TABLE);
                try (var listed = java.nio.file.Files.list(dir.resolve("tables/crash.accounts/data"))) {
                    assertEquals(files, listed.count(), "opening collected the files no commit uses (grace 0)");
                }
                lastSeen = applied;
            }
        }
        assertTrue(lastSeen > KILLS * 3, "the children committed: " + lastSeen);
    }

    private Process startChild() throws Exception {
        return ChildJvm.of(CommitChild.class).jvmFlags("-Dlogback.configurationFile=none").args(dir.toString()).start();
    }

    private static void readAcks(Process child, AtomicLong acknowledged) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    acknowledged.set(Long.parseLong(line.substring("committed ".length())));
                } else if (line.contains("Exception") || line.contains("ERROR")) {
                    LOG.warn("child: {}", line);
                }
            }
        } catch (Exception e) {
            // the child was killed
        }
    }
}
