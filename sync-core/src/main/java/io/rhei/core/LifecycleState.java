package io.rhei.core;

/** Where a running part of Rhei (capture, sync, a server) is in its life. Parts are not restarted: a new one is built. */
public enum LifecycleState {
    /** Built, not started. */
    NEW,
    /** Started and working. */
    RUNNING,
    /** Stopped on request. */
    STOPPED,
    /** Stopped by a failure; the part says why. */
    FAILED
}
