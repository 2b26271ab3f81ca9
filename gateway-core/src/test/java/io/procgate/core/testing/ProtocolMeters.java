package io.procgate.core.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procgate.core.Gateway;

/**
 * One protocol's counters ({@code io.procgate.core.metrics.ProtocolMetrics}) as a gateway exports
 * them, read back through a registry added to the gateway's.
 */
public final class ProtocolMeters {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String protocol;

    private ProtocolMeters(String protocol) {
        this.protocol = protocol;
    }

    /** Starts recording {@code protocol}'s meters of {@code gateway} from now on. */
    public static ProtocolMeters of(Gateway gateway, String protocol) {
        ProtocolMeters meters = new ProtocolMeters(protocol);
        gateway.metrics().registry().add(meters.registry);
        return meters;
    }

    /** Requests answered with {@code status}. */
    public double requests(String status) {
        return registry.get("procgate.protocol.requests")
                .tags("protocol", protocol, "status", status)
                .counter()
                .count();
    }

    public double authFailures() {
        return registry.get("procgate.protocol.auth.failures")
                .tag("protocol", protocol)
                .counter()
                .count();
    }

    /** Connections accepted. */
    public double connections() {
        return registry.get("procgate.protocol.connections")
                .tag("protocol", protocol)
                .counter()
                .count();
    }

    /** Connections open now. */
    public double activeConnections() {
        return registry.get("procgate.protocol.connections.active")
                .tag("protocol", protocol)
                .gauge()
                .value();
    }
}
