package io.procgate.pcp;

import com.typesafe.config.ConfigException;
import io.procgate.core.net.BindAddress;
import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.spi.ProtocolPlugin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The PCP front-end (spec {@code pcp.md}): servers for consumers written against libpcp's
 * conventions, acting on the gateway's processes with the rights of each listener's configured user.
 * Configured under {@code gateway.pcp.listeners} (see {@link PcpListenerSettings}); found by
 * {@link java.util.ServiceLoader}.
 */
public final class PcpPlugin implements ProtocolPlugin {
    public static final String NAME = "pcp";

    /** The transfers of the listeners built, whose fixed data ports {@link #stop()} closes. */
    private final List<PcpTransfers> opened = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ListenerDefinition> listeners(PluginContext context) {
        List<PcpListenerSettings> all = PcpListenerSettings.fromConfig(context.config());
        List<ListenerDefinition> result = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            PcpListenerSettings s = all.get(i);
            if (context.authenticator().lookup(s.user()).isEmpty()) {
                throw new ConfigException.BadValue(
                        PcpListenerSettings.PATH + "[" + i + "].user",
                        "'" + s.user() + "' is not a configured user (gateway.users)");
            }
            PcpRequestHandler requests = new PcpRequestHandler(
                    context.processes(), context.authenticator(), s.user(), context.protocolMetrics());
            PcpTransfers transfers =
                    PcpTransfers.open(s.host(), s.dataPort(), s.transferTimeout(), context.workerGroup());
            opened.add(transfers);
            result.add(new ListenerDefinition(
                    NAME,
                    new BindAddress.Tcp(s.host(), s.port()),
                    new PcpChannelInitializer(requests, transfers, s.prompt())));
        }
        return result;
    }

    @Override
    public void stop() {
        for (PcpTransfers transfers : opened) {
            transfers.close();
        }
    }
}
