package io.procgate.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The counters one protocol keeps, tagged {@code protocol=<name>}. In the Prometheus text format:
 *
 * <pre>
 * procgate_protocol_connections_total{protocol}        connections accepted
 * procgate_protocol_connections_active{protocol}       connections open now
 * procgate_protocol_requests_total{protocol,status}    requests answered, by status word (OK, OFFLINE, ...)
 * procgate_protocol_auth_failures_total{protocol}      failed logins
 * </pre>
 *
 * <p>The core counts connections of every listener itself; a codec calls {@link #request} once per
 * answered request and {@link #authFailure} once per failed login. Thread-safe; calls are cheap
 * (a counter per status word is created once, then looked up).
 */
public final class ProtocolMetrics {
    private static final String PREFIX = "procgate.protocol.";

    private final MeterRegistry registry;
    private final String protocol;
    private final Counter connections;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter authFailures;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();

    /** Registers {@code protocol}'s meters in {@code registry}; use one instance per protocol and registry. */
    public ProtocolMetrics(MeterRegistry registry, String protocol) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.connections = Counter.builder(PREFIX + "connections")
                .description("Connections accepted")
                .tag("protocol", protocol)
                .register(registry);
        // The gauge holds this object weakly: the registry's owner keeps the ProtocolMetrics alive.
        Gauge.builder(PREFIX + "connections.active", active, AtomicInteger::get)
                .description("Connections open now")
                .tag("protocol", protocol)
                .register(registry);
        this.authFailures = Counter.builder(PREFIX + "auth.failures")
                .description("Failed logins")
                .tag("protocol", protocol)
                .register(registry);
    }

    /** Counters that go nowhere, for plugins run outside a gateway (tests). */
    public static ProtocolMetrics noop(String protocol) {
        return new ProtocolMetrics(new CompositeMeterRegistry(), protocol);
    }

    public String protocol() {
        return protocol;
    }

    public void connectionOpened() {
        connections.increment();
        active.incrementAndGet();
    }

    public void connectionClosed() {
        active.decrementAndGet();
    }

    /** One answered request with {@code status}, e.g. {@code OK} or {@code PERMISSION_DENIED}. */
    public void request(String status) {
        String key = status == null ? "NONE" : status.toUpperCase(Locale.ROOT);
        requests.computeIfAbsent(
                        key,
                        s -> Counter.builder(PREFIX + "requests")
                                .description("Requests answered, by status")
                                .tag("protocol", protocol)
                                .tag("status", s)
                                .register(registry))
                .increment();
    }

    /** One failed login (wrong password, unknown user). */
    public void authFailure() {
        authFailures.increment();
    }

    /** Connections open now. */
    public int activeConnections() {
        return active.get();
    }
}
