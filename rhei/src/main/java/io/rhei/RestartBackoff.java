package io.rhei;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** When to restart a failed part: 1 s after a failure, doubling up to 60 s; back to 1 s once a restart has run a minute. */
final class RestartBackoff {
    private static final Logger LOG = LoggerFactory.getLogger(RestartBackoff.class);
    private static final long FIRST = 1_000_000_000L;
    private static final long MAX = 60_000_000_000L;
    private final String what;
    private long delay = FIRST;
    private long nextAttempt = -1;
    private long runningSince = -1;

    RestartBackoff(String what) {
        this.what = what;
    }

    /** Failing now: whether to restart at this moment. */
    boolean due(long now, String reason) {
        runningSince = -1;
        if (nextAttempt < 0) {
            nextAttempt = now + delay;
            LOG.error("{}; retrying in {} s (queries go on; nothing is lost)", reason, delay / 1_000_000_000L);
            return false;
        }
        if (now < nextAttempt) {
            return false;
        }
        LOG.warn("restarting {} after: {}", what, reason);
        delay = Math.min(delay * 2, MAX);
        nextAttempt = now + delay;
        return true;
    }

    /** Running without a failure. */
    void healthy(long now) {
        if (nextAttempt < 0) {
            return;
        }
        if (runningSince < 0) {
            runningSince = now;
            LOG.info("{} is running again", what);
        } else if (now - runningSince > MAX) {
            delay = FIRST;
            nextAttempt = -1;
            runningSince = -1;
        }
    }
}
