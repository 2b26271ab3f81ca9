package io.procgate.host;

/** Where a named process is in its life. The lower-case names are the wire words of PCP's {@code state}. */
public enum ProcessState {
    /** Spawn requested, pid not yet known. */
    STARTING,
    /** Running with a pid. */
    RUNNING,
    /** A stop was asked for; the process has not exited yet. */
    STOPPING,
    /** Not running; the last run ended (or never started: see {@link ProcessStatus#lastError()}). */
    EXITED,
    /** Waiting to be restarted by its supervisor. */
    BACKOFF,
    /** Given up on by its supervisor after too many failures. */
    FAILED;

    public boolean isAlive() {
        return this == STARTING || this == RUNNING || this == STOPPING;
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
