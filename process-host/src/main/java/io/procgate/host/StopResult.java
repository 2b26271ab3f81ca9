package io.procgate.host;

/** What {@link ProcessHost#stop} did. */
public enum StopResult {
    /** The stop has begun (stop command, then SIGTERM, then SIGKILL). */
    STOPPING,
    /** Nothing of that name is running. */
    NOT_RUNNING
}
