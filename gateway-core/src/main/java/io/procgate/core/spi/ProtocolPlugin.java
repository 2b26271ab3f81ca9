package io.procgate.core.spi;

import java.net.SocketAddress;
import java.util.List;

/**
 * The seam through which a protocol module plugs into the gateway. Implementations are found with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/io.procgate.core.spi.ProtocolPlugin}
 * file in the protocol's jar), so gateway-core never imports a codec package.
 *
 * <p>A plugin owns the configuration subtree {@code gateway.<name>}: it ships its defaults in its
 * own {@code reference.conf}, validates its listener entries, and turns each into a
 * {@link ListenerDefinition}. The core binds them, owns the event loops and closes them at stop,
 * then calls {@link #stop()}.
 */
public interface ProtocolPlugin {

    /** The protocol's name and config key under {@code gateway}, e.g. {@code tcprocd}. */
    String name();

    /**
     * Builds this protocol's listeners from its configuration.
     *
     * @throws io.procgate.core.config.ConfigException (or Typesafe's {@code ConfigException}) with
     *     one clear line when the configuration is invalid
     */
    List<ListenerDefinition> listeners(PluginContext context);

    /**
     * The gateway has started: {@code definition}, one of this plugin's listeners, is bound to
     * {@code bound} (the real port when the configuration said 0) and accepting. Called once per
     * listener, after the process host is ready. The default does nothing.
     */
    default void listening(ListenerDefinition definition, SocketAddress bound) {}

    /**
     * The gateway is stopping: called once, after the listeners have closed and before the process
     * host and the event loops stop, so a plugin can say goodbye to its clients and close what it
     * opened itself (a data port). The default does nothing.
     */
    default void stop() {}
}
