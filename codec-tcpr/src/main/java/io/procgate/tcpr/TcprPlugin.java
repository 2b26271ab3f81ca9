package io.procgate.tcpr;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.spi.ProtocolPlugin;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCPR front-end (King Arthur's Gold's remote console) as a gateway protocol: each entry of
 * {@code gateway.tcpr.listeners} fronts one named process, so that TCPR tools see its console and
 * type into its stdin. See {@code shared/specs/tcpr.md} and {@link TcprListenerSettings} for the keys.
 */
public final class TcprPlugin implements ProtocolPlugin {
    /** The protocol's name and config key. */
    public static final String NAME = "tcpr";

    private static final Logger LOG = LoggerFactory.getLogger(TcprPlugin.class);

    private final Clock clock;
    private final Executor verifier;
    /** The listeners this plugin built, for {@link #stop()}. */
    private final List<TcprListener> built = new CopyOnWriteArrayList<>();

    /** The plugin as {@link java.util.ServiceLoader} makes it: the gateway's local time. */
    public TcprPlugin() {
        this(Clock.systemDefaultZone(), null);
    }

    /**
     * @param clock gives the {@code [HH:MM:SS]} of every line (tests fix it)
     * @param verifier runs password checks off the event loops; null: the gateway's password-check
     *     threads ({@link PluginContext#passwordChecks()})
     */
    public TcprPlugin(Clock clock, Executor verifier) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.verifier = verifier;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ListenerDefinition> listeners(PluginContext context) {
        Config config = context.config();
        for (Map.Entry<String, ConfigValue> e : config.root().entrySet()) {
            if (!e.getKey().equals("listeners")) {
                throw new ConfigException.BadValue(
                        e.getValue().origin(),
                        "gateway.tcpr." + e.getKey(),
                        "unknown key '" + e.getKey() + "' (gateway.tcpr has only listeners)");
            }
        }
        ConfigValue list = config.root().get("listeners");
        if (list == null) {
            return List.of();
        }
        if (list.valueType() != ConfigValueType.LIST) {
            throw new ConfigException.BadValue(list.origin(), "gateway.tcpr.listeners", "expected a list of listeners");
        }
        List<TcprListenerSettings> settings = new ArrayList<>();
        List<? extends ConfigValue> entries = config.getList("listeners");
        for (int i = 0; i < entries.size(); i++) {
            String path = "gateway.tcpr.listeners[" + i + "]";
            ConfigValue entry = entries.get(i);
            if (entry.valueType() != ConfigValueType.OBJECT) {
                throw new ConfigException.BadValue(
                        entry.origin(), path, "expected a listener object { port = ..., process = ... }");
            }
            settings.add(TcprListenerSettings.parse(
                    ((com.typesafe.config.ConfigObject) entry).toConfig(), path, context.passwordHasher()));
        }
        List<ListenerDefinition> definitions = new ArrayList<>();
        for (TcprListenerSettings s : settings) {
            if (s.password().isPlainText()) {
                LOG.warn(
                        "{}: the tcpr listener on {} has a plain-text password; store a hash"
                                + " (./gateway hash-password) as password-hash instead",
                        s.path(),
                        s.bindAddress());
            }
            // subscribes to its process at the first connection: the host is not open yet
            TcprListener listener = new TcprListener(
                    s,
                    context.host(),
                    context.loginThrottle(),
                    clock,
                    verifier != null ? verifier : context.passwordChecks(),
                    context.protocolMetrics());
            built.add(listener);
            definitions.add(new ListenerDefinition(NAME, s.bindAddress(), new TcprInitializer(listener)));
        }
        return definitions;
    }

    /** Every joined client gets the shutdown line, as a KAG server's clients do when it stops. */
    @Override
    public void stop() {
        for (TcprListener listener : built) {
            listener.close();
        }
    }
}
