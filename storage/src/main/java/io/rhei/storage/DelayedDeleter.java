package io.rhei.storage;

import io.rhei.storage.objectstore.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes objects no committed state uses any more, after a grace period so that readers in other processes
 * (which may still hold an older manifest) finish first. Deletions still pending at close are simply dropped:
 * the next open finds those objects unreferenced and collects them.
 */
final class DelayedDeleter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedDeleter.class);
    private final ObjectStore store;
    private final Duration grace;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rhei-storage-gc");
        t.setDaemon(true);
        return t;
    });

    DelayedDeleter(ObjectStore store, Duration grace) {
        this.store = store;
        this.grace = grace;
    }

    Duration grace() {
        return grace;
    }

    void deleteLater(String key) {
        try {
            executor.schedule(() -> deleteNow(key), grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closing: collected at the next open
        }
    }

    void deleteNow(String key) {
        try {
            store.delete(key);
            LOG.debug("deleted unused {}", key);
        } catch (RuntimeException e) {
            LOG.warn("could not delete unused {} (it will be retried at the next open): {}", key, e.getMessage());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
