package io.procgate.tcpr;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.host.ProcessHost;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** A real gateway (io.procgate.core.Gateway) serving the given TCPR listeners; children may run as root. */
final class GatewayTcprServer implements TcprServer {
    final Gateway gateway;

    GatewayTcprServer(Path dir, String listeners, String extra) {
        String hocon = "gateway {\n"
                + "  data-dir = \"" + dir.resolve("data") + "\"\n"
                + "  shutdown-timeout = 5s\n"
                + "  http.enabled = false\n"
                + "  allow-root-children = true\n"
                + "  tcpr.listeners = " + listeners + "\n"
                + "}\n"
                + extra;
        gateway = Gateway.start(GatewayConfig.parse(hocon));
    }

    @Override
    public int port(int index) {
        return ((InetSocketAddress) gateway.boundAddresses(TcprPlugin.NAME).get(index)).getPort();
    }

    @Override
    public ProcessHost host() {
        return gateway.host();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
