package io.procgate.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.spi.ProtocolPlugin;
import java.util.List;

/**
 * The health and metrics endpoint, {@code gateway.http { enabled, host, port, tls }}: one HTTP/1.1
 * listener serving {@code /healthz}, {@code /readyz} and {@code /metrics} (see {@link
 * HttpEndpoints}). It adds a Prometheus registry to the gateway's composite meter registry, so
 * {@code /metrics} shows every meter of the core, the protocols and the processes. Found by
 * {@link java.util.ServiceLoader}; disabled with {@code enabled = false}.
 */
public final class HttpPlugin implements ProtocolPlugin {
    public static final String NAME = "http";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ListenerDefinition> listeners(PluginContext context) {
        HttpSettings settings = HttpSettings.fromConfig(context.config());
        if (!settings.enabled()) {
            return List.of();
        }
        PrometheusMeterRegistry prometheus = prometheusOf(context.metrics());
        HttpEndpoints endpoints = new HttpEndpoints(context.readiness(), prometheus);
        HttpRequestHandler handler = new HttpRequestHandler(endpoints, context.protocolMetrics());
        return List.of(new ListenerDefinition(NAME, settings.address(), new HttpChannelInitializer(handler))
                .withTls(settings.tls()));
    }

    /** A Prometheus registry that sees every meter of {@code registry}. */
    private static PrometheusMeterRegistry prometheusOf(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return prometheus;
        }
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (registry instanceof CompositeMeterRegistry composite) {
            composite.add(prometheus);
        }
        return prometheus;
    }
}
