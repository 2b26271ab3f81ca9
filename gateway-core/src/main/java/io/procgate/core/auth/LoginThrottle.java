package io.procgate.core.auth;

import java.net.InetAddress;

/**
 * Failed-login throttling per source address: after {@value #FAILURES_BEFORE_BLOCK} failures
 * within a minute, connections from that address are refused for a period that doubles with each
 * further failure, from one second up to five minutes (tcprocd spec, section 4).
 */
public interface LoginThrottle {
    int FAILURES_BEFORE_BLOCK = 5;

    /** Whether a new connection from {@code address} must be closed at once. */
    boolean isBlocked(InetAddress address);

    /** Records a failed login from {@code address}. */
    void recordFailure(InetAddress address);

    /** Records a successful login (does not forgive earlier failures within the window). */
    default void recordSuccess(InetAddress address) {}
}
