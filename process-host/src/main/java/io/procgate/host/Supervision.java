package io.procgate.host;

import java.time.Duration;
import java.util.Objects;

/**
 * How the host keeps a process up: the restart policy, the delay before a restart (doubling with
 * each failure in the window, up to {@code maxBackoff}), and the crash-loop guard (more than
 * {@code maxFailures} failures within {@code window}: give up, state {@code failed}).
 *
 * <p>A stop asked for (kill, the stop command, gateway shutdown) is never a failure.
 */
public record Supervision(
        RestartPolicy policy, Duration backoff, Duration maxBackoff, int maxFailures, Duration window) {

    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_FAILURES = 5;
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

    /** Not supervised: an exit is final. */
    public static final Supervision NONE = new Supervision(
            RestartPolicy.NO, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_FAILURES, DEFAULT_WINDOW);

    public Supervision {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(window, "window");
        if (backoff.isNegative() || maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("restart backoff must be between 0 and " + maxBackoff);
        }
        if (maxFailures < 0) {
            throw new IllegalArgumentException("restart-max-failures must not be negative");
        }
    }

    public static Supervision of(RestartPolicy policy) {
        return new Supervision(policy, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_FAILURES, DEFAULT_WINDOW);
    }

    /** The delay before restart number {@code failures} in the window (1 = the first). */
    public Duration delayAfter(int failures) {
        Duration delay = backoff;
        for (int i = 1; i < failures && delay.compareTo(maxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }
}
