package io.rhei.core.log;

/**
 * Wakes readers of this process when records are appended, so tailing is prompt without spinning. Readers
 * still re-check on a short timer because another process may append to the same directory.
 */
final class AppendSignal {
    private long appends;

    synchronized void fire() {
        appends++;
        notifyAll();
    }

    synchronized long count() {
        return appends;
    }

    /** Waits up to {@code nanos} unless an append happened since {@code seen} was read. */
    synchronized void await(long seen, long nanos) throws InterruptedException {
        if (appends == seen && nanos > 0) {
            long millis = nanos / 1_000_000L;
            wait(millis, (int) (nanos % 1_000_000L));
        }
    }
}
