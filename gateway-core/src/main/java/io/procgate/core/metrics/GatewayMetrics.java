package io.procgate.core.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import io.procgate.host.ProcessHost;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's meters: one registry per gateway, a {@link CompositeMeterRegistry} to which an
 * exporter adds its own registry (the {@code http} plugin adds a Prometheus one and serves it on
 * {@code /metrics}). Without an exporter every meter is a no-op.
 *
 * <p>It holds the JVM's meters (memory, GC, threads, classes, CPU, uptime, file descriptors), the
 * Netty buffer allocator's memory ({@code procgate_netty_allocator_used_bytes{area=heap|direct}},
 * {@code procgate_netty_direct_memory_used_bytes}), one {@link ProtocolMetrics} per protocol, and
 * the per-process meters of {@link #instrument instrumented} hosts.
 */
public final class GatewayMetrics implements AutoCloseable {
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final Map<String, ProtocolMetrics> protocols = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private boolean systemBound;

    /**
     * Binds the JVM's and Netty's meters. Called once the exporters have added their registries
     * (after the plugins are set up): the composite warns about meters registered before an
     * exporter joins it, although gauges lose nothing.
     */
    public synchronized void bindSystemMeters() {
        if (systemBound) {
            return;
        }
        systemBound = true;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        bindNettyMemory(registry);
    }

    private static void bindNettyMemory(MeterRegistry registry) {
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            ByteBufAllocatorMetric metric = provider.metric();
            Gauge.builder("procgate.netty.allocator.used", metric, ByteBufAllocatorMetric::usedHeapMemory)
                    .description("Memory held by Netty's default buffer allocator")
                    .baseUnit("bytes")
                    .tag("area", "heap")
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("procgate.netty.allocator.used", metric, ByteBufAllocatorMetric::usedDirectMemory)
                    .description("Memory held by Netty's default buffer allocator")
                    .baseUnit("bytes")
                    .tag("area", "direct")
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("procgate.netty.direct.memory.used", PlatformDependent::usedDirectMemory)
                .description("Direct memory Netty has reserved (-1 when it does not count it)")
                .baseUnit("bytes")
                .register(registry);
    }

    /** The registry meters are registered in; exporters add theirs with {@link CompositeMeterRegistry#add}. */
    public CompositeMeterRegistry registry() {
        return registry;
    }

    /** The counters of {@code protocol}, created on first use. */
    public synchronized ProtocolMetrics protocol(String protocol) {
        return protocols.computeIfAbsent(protocol, p -> new ProtocolMetrics(registry, p));
    }

    /** {@code host} with per-process meters (see {@link MeteredProcessHost}). */
    public ProcessHost instrument(ProcessHost host) {
        return new MeteredProcessHost(host, registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
