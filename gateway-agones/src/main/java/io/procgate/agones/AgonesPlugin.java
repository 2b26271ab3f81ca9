package io.procgate.agones;

import io.netty.channel.EventLoop;
import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.spi.ProtocolPlugin;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Agones link as a gateway plugin: it opens no listener, but watches the process named by
 * {@code gateway.agones.process} and calls the Agones SDK sidecar for it (see {@link AgonesLink}
 * for what is said when, {@link AgonesSettings} for the keys, {@code shared/specs/agones.md} for
 * the contract). Off unless {@code enabled = true}, or {@code auto} in a Pod where Agones set
 * {@code AGONES_SDK_HTTP_PORT}.
 */
public final class AgonesPlugin implements ProtocolPlugin {
    /** The plugin's name and config key. */
    public static final String NAME = "agones";

    private static final Logger LOG = LoggerFactory.getLogger(AgonesPlugin.class);

    private final UnaryOperator<String> env;
    private volatile AgonesLink link;
    private volatile Duration stopWait = Duration.ZERO;

    /** The plugin as {@link java.util.ServiceLoader} makes it: reads the process's environment. */
    public AgonesPlugin() {
        this(System::getenv);
    }

    /** @param env the environment variables (tests give their own) */
    public AgonesPlugin(UnaryOperator<String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ListenerDefinition> listeners(PluginContext context) {
        AgonesSettings settings = AgonesSettings.fromConfig(context.config(), context.declaredProcesses(), env);
        if (!settings.enabled()) {
            return List.of();
        }
        EventLoop loop = context.workerGroup().next();
        SdkClient client = new SdkClient(
                loop,
                ClientChannels.socketChannelFor(context.workerGroup()),
                settings.sdk(),
                settings.requestTimeout());
        AgonesLink created =
                new AgonesLink(settings, loop, client, context.host(), new AgonesMetrics(context.metrics()));
        created.open();
        link = created;
        // Long enough for one Shutdown to be answered, or to fail and be tried once more.
        stopWait = settings.requestTimeout().multipliedBy(2);
        LOG.info(
                "agones: process {} is this GameServer; SDK at {}:{}; Ready on {}",
                settings.process(),
                settings.sdk().getHostString(),
                settings.sdk().getPort(),
                settings.readyPattern() == null
                        ? "being up for " + settings.startSeconds()
                        : "a line matching " + settings.readyPattern().pattern());
        return List.of();
    }

    /** The gateway stops: Shutdown, waited for briefly, before the host stops the process. */
    @Override
    public void stop() {
        AgonesLink l = link;
        if (l != null) {
            link = null;
            l.close(stopWait);
        }
    }
}
