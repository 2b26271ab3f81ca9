package io.procgate.host;

/** What {@link ProcessHost#writeStdin} did. */
public enum StdinResult {
    /** Written, or queued within the stdin bound. */
    WRITTEN,
    /** Nothing of that name is running (or its stdin is closed). */
    NOT_RUNNING,
    /** The process is not reading its stdin and the bound is reached: the line was refused. */
    BUFFER_FULL
}
