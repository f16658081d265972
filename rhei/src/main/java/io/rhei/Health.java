package io.rhei;

/**
 * How the sync is doing: {@link Status#HEALTHY} once every captured table's initial snapshot is read and the sync
 * has caught up (latched: lag under load later does not make it starting again) and capture and sync run;
 * otherwise what is wrong. Queries are served in every state, from what is synced. This is readiness
 * ({@code /health}); liveness ({@code /live}) only says the process supervises capture and sync.
 */
public record Health(Status status, String detail) {
    public enum Status {
        /** Starting: the initial sync has not caught up yet. */
        STARTING,
        /** Capturing and applying, caught up at least once since the initial snapshot was read. */
        HEALTHY,
        /** A part stopped on a failure and is being restarted, or the replication slot stands still. */
        DEGRADED
    }

    public boolean isHealthy() {
        return status == Status.HEALTHY;
    }
}
