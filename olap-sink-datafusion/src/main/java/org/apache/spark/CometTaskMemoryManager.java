package org.apache.spark;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory grants for one query against Rhei's limit. The native unified pools call {@link #acquireMemory} before
 * they allocate and may receive less than asked (then they spill or fail with a memory error).
 */
public class CometTaskMemoryManager {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    public CometTaskMemoryManager(long limit) {
        this.limit = limit;
    }

    public long acquireMemory(long size) {
        while (true) {
            long u = used.get();
            long grant = Math.max(0, Math.min(size, limit - u));
            if (used.compareAndSet(u, u + grant)) {
                peak.accumulateAndGet(u + grant, Math::max);
                return grant;
            }
        }
    }

    public void releaseMemory(long size) {
        used.addAndGet(-size);
    }

    public long used() {
        return used.get();
    }

    public long peak() {
        return peak.get();
    }
}
