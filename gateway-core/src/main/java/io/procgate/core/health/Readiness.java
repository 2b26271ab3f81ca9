package io.procgate.core.health;

import java.util.Optional;

/**
 * Whether the gateway is ready to serve: every listener bound and accepting, and every process
 * the configuration starts automatically started for real in its current run (its {@code
 * ready-pattern} seen, or up for its {@code start-seconds}). Served on {@code /readyz} by the {@code http}
 * plugin.
 */
@FunctionalInterface
public interface Readiness {
    /** Always ready, for plugins run outside a gateway (tests). */
    Readiness ALWAYS = Optional::empty;

    /**
     * Empty when ready; else a short reason for a person, e.g. {@code process lobby is backoff}.
     */
    Optional<String> notReadyReason();
}
