package io.procgate.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.ScheduledFuture;
import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.spi.ProtocolPlugin;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP listener, {@code gateway.http}: one HTTP/1.1 listener serving {@code /healthz}, {@code
 * /readyz} and {@code /metrics} (see {@link HttpEndpoints}), and the web console: its page, the JSON
 * API and the console WebSocket (docs/web.md; {@link HttpRequestHandler} routes). It adds a
 * Prometheus registry to the gateway's composite meter registry, so {@code /metrics} shows every
 * meter of the core, the protocols and the processes. Found by {@link java.util.ServiceLoader};
 * disabled with {@code enabled = false}.
 *
 * <p>A gateway without users prints a one-time console link when it has started ({@link FirstRunLink}).
 */
public final class HttpPlugin implements ProtocolPlugin {
    public static final String NAME = "http";
    /** How often idle sessions are looked for, at most. */
    private static final long EXPIRY_CHECK_MILLIS = 1000;

    private WebSessions sessions;
    private HistorySearch search;
    private FirstRunLink firstRun;
    private HttpSettings settings;
    private ScheduledFuture<?> expiry;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ListenerDefinition> listeners(PluginContext context) {
        settings = HttpSettings.fromConfig(context.config());
        if (!settings.enabled()) {
            return List.of();
        }
        PrometheusMeterRegistry prometheus = prometheusOf(context.metrics());
        HttpEndpoints endpoints = new HttpEndpoints(context.readiness(), prometheus);
        HttpReplies replies = new HttpReplies(context.protocolMetrics());
        sessions = new WebSessions(settings.sessionIdleTimeout(), settings.maxConsolesPerUser());
        search = new HistorySearch(context.processes());
        ProcessViews views = new ProcessViews(context.processes(), context::declaredProcesses, context::schedules);
        ConsoleUpgrade consoles =
                new ConsoleUpgrade(settings, sessions, context.processes(), new ConsoleFeeds(context.host()));
        ApiHandler api = new ApiHandler(
                sessions,
                context.authenticator(),
                context.loginThrottle(),
                context.passwordChecks(),
                context.protocolMetrics(),
                context.processes(),
                views,
                search,
                consoles,
                replies,
                settings.tls() != null);
        if (!context.authenticator().hasUsers()) {
            firstRun = new FirstRunLink(sessions.newToken(), System.getProperty("user.name", "admin"));
        }
        WebPages pages = new WebPages(new StaticFiles(), firstRun, sessions, api, context.loginThrottle());
        long every = Math.min(
                EXPIRY_CHECK_MILLIS, Math.max(1, settings.sessionIdleTimeout().toMillis() / 4));
        WebSessions expiring = sessions;
        expiry =
                context.workerGroup().next().scheduleAtFixedRate(expiring::expire, every, every, TimeUnit.MILLISECONDS);
        HttpRequestHandler handler = new HttpRequestHandler(endpoints, api, pages, replies);
        ConnectionLimits limits = new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress());
        return List.of(
                new ListenerDefinition(NAME, settings.address(), new HttpChannelInitializer(handler, limits, settings))
                        .withTls(settings.tls()));
    }

    @Override
    public void listening(ListenerDefinition definition, SocketAddress bound) {
        if (firstRun != null && bound instanceof InetSocketAddress inet) {
            // printed, not logged: the person who started the gateway opens this line
            System.out.println(firstRun.line(inet, settings.tls() != null));
            System.out.flush();
        }
    }

    @Override
    public void stop() {
        if (expiry != null) {
            expiry.cancel(false);
        }
        if (sessions != null) {
            sessions.endAll("the gateway is stopping");
        }
        if (search != null) {
            search.shutdown();
        }
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
