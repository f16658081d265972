package io.rhei.core.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies in microseconds, in log-linear buckets (16 per power of two, so a percentile is within ~6% of the
 * true value), lock-free to record from any thread. Covers 1 us to ~36 minutes; larger values land in the top bucket.
 */
public final class LatencyHistogram {
    private static final int SUB_BUCKETS = 16;
    private static final int POWERS = 32;
    private final AtomicLongArray counts = new AtomicLongArray(POWERS * SUB_BUCKETS);
    private final LongAdder total = new LongAdder();
    private volatile long max;

    public void record(long micros) {
        long v = Math.max(1, micros);
        counts.incrementAndGet(index(v));
        total.increment();
        if (v > max) {
            synchronized (this) {
                max = Math.max(max, v);
            }
        }
    }

    private static int index(long v) {
        int power = 63 - Long.numberOfLeadingZeros(v);
        if (power >= POWERS) {
            return POWERS * SUB_BUCKETS - 1;
        }
        int sub = power < 4 ? (int) (v & (SUB_BUCKETS - 1)) : (int) ((v >>> (power - 4)) & (SUB_BUCKETS - 1));
        return power * SUB_BUCKETS + sub;
    }

    /** The upper bound of a bucket: a percentile never reads low. */
    private static long upperBound(int index) {
        int power = index / SUB_BUCKETS;
        int sub = index % SUB_BUCKETS;
        if (power < 4) {
            return Math.max(sub, 1L << power);
        }
        return ((long) (SUB_BUCKETS + sub + 1) << (power - 4)) - 1;
    }

    /** Forgets everything recorded so far (e.g. between benchmark phases). */
    public synchronized void reset() {
        for (int i = 0; i < counts.length(); i++) {
            counts.set(i, 0);
        }
        total.reset();
        max = 0;
    }

    public long count() {
        return total.sum();
    }

    public long max() {
        return max;
    }

    /** The latency at or below which {@code p} percent (0 to 100: 99 for p99) of the recorded values fall (0 when nothing was recorded). */
    public long percentile(double p) {
        long n = count();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }
}
