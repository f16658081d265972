package io.rhei;

/**
 * How the sync is doing: {@link Status#HEALTHY} once it has caught up and capture and sync run; otherwise what is
 * wrong. Queries are served in every state, from what is synced.
 */
public record Health(Status status, String detail) {
    public enum Status {
        /** Starting: the initial sync has not caught up yet. */
        STARTING,
        /** Capturing and applying, caught up at least once. */
        HEALTHY,
        /** A part stopped on a failure and is being restarted, or the replication slot stands still. */
        DEGRADED
    }

    public boolean isHealthy() {
        return status == Status.HEALTHY;
    }
}
