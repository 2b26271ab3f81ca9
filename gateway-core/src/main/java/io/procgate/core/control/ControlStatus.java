package io.procgate.core.control;

/**
 * The outcome of an action on a process, as every protocol reports it. The names are the tcprocd
 * status words (tcprocd spec, section 3), which PCP reuses as {@code result=}.
 */
public enum ControlStatus {
    OK,
    /** No such process (never known), or not running where that matters. */
    OFFLINE,
    /** {@code start} of a name that is running. */
    EXISTS,
    /** An unexpected failure, or a command that cannot be executed; the cause is in the log. */
    UNKNOWN,
    /** Another user's process, or a child that would run as root. */
    PERMISSION_DENIED,
    /** A malformed request (invalid name, bad value). */
    ERROR
}
