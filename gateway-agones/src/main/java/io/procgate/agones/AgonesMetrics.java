package io.procgate.agones;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The link's meters in the gateway's registry:
 *
 * <pre>
 * procgate_agones_calls_total{call,outcome}  SDK calls by outcome: ok, failed (retried), refused (4xx, dropped)
 * procgate_agones_dropped_total{call}        calls not made: a health ping while the last one is still out,
 *                                            or a queue at its bound
 * </pre>
 */
final class AgonesMetrics {
    static final String CALLS = "procgate.agones.calls";
    static final String DROPPED = "procgate.agones.dropped";

    private final MeterRegistry registry;

    AgonesMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void outcome(SdkCall call, String outcome) {
        Counter.builder(CALLS)
                .description("Agones SDK calls by outcome")
                .tag("call", call.name())
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    void dropped(SdkCall call) {
        Counter.builder(DROPPED)
                .description("Agones SDK calls not made (one in flight per kind, bounded queues)")
                .tag("call", call.name())
                .register(registry)
                .increment();
    }
}
