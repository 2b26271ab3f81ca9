package io.procgate.core.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/** The registry that records nothing (a composite without members), for {@link PluginContext}'s default. */
final class NoMetrics {
    static final MeterRegistry REGISTRY = new CompositeMeterRegistry();

    private NoMetrics() {}
}
