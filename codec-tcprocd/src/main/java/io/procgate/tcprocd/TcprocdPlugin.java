package io.procgate.tcprocd;

import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.spi.ProtocolPlugin;
import java.util.ArrayList;
import java.util.List;

/**
 * The tcprocd protocol (docs/tcprocd.md): process control over TCP and unix sockets with
 * length-prefixed requests. Found by {@link java.util.ServiceLoader}; configured under
 * {@code gateway.tcprocd} (see {@link TcprocdSettings} and this module's {@code reference.conf}).
 */
public final class TcprocdPlugin implements ProtocolPlugin {

    @Override
    public String name() {
        return TcprocdConstants.PROTOCOL;
    }

    @Override
    public List<ListenerDefinition> listeners(PluginContext context) {
        TcprocdSettings settings = TcprocdSettings.from(context.config());
        List<ListenerDefinition> definitions = new ArrayList<>();
        for (TcprocdListenerSettings listener : settings.listeners()) {
            definitions.add(new ListenerDefinition(
                            TcprocdConstants.PROTOCOL,
                            listener.address(),
                            new TcprocdInitializer(context, settings, listener))
                    .withTls(listener.tls()));
        }
        return definitions;
    }
}
