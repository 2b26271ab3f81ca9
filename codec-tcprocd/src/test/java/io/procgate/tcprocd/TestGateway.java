package io.procgate.tcprocd;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A real gateway for end-to-end tests: a TCP listener on a free port and a unix-socket listener,
 * users {@code alice}, {@code bob}, {@code admin} (an admin) and {@code root} (the unix-socket peer
 * the tests run as, asked for its password), children allowed to run as root (tests run as root).
 */
final class TestGateway implements AutoCloseable {
    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String ADMIN = "admin";
    static final String ROOT = "root";

    final Gateway gateway;
    final Path dir;

    private TestGateway(Gateway gateway, Path dir) {
        this.gateway = gateway;
        this.dir = dir;
    }

    static String password(String user) {
        return user + "-pw";
    }

    /** A gateway on {@code dir} with {@code extra} HOCON layered over the test defaults. */
    static TestGateway start(Path dir, String extra) {
        String hocon = "gateway {\n"
                + "  data-dir = \"" + dir.resolve("data") + "\"\n"
                + "  shutdown-timeout = 5s\n"
                + "  http.enabled = false\n"
                + "  allow-root-children = true\n"
                + "  users {\n"
                + "    alice { password = \"alice-pw\" }\n"
                + "    bob { password = \"bob-pw\" }\n"
                + "    admin { password = \"admin-pw\", admin = true }\n"
                + "    root { password = \"root-pw\" }\n"
                + "  }\n"
                + "  tcprocd.listeners = [\n"
                + "    { host = \"127.0.0.1\", port = 0 }\n"
                + "    { socket = \"" + dir.resolve("tcprocd.sock") + "\" }\n"
                + "  ]\n"
                + "}\n"
                + extra;
        return new TestGateway(Gateway.start(GatewayConfig.parse(hocon)), dir);
    }

    static TestGateway start(Path dir) {
        return start(dir, "");
    }

    List<SocketAddress> addresses() {
        return gateway.boundAddresses(TcprocdConstants.PROTOCOL);
    }

    SocketAddress tcp() {
        return addresses().get(0);
    }

    SocketAddress unix() {
        return addresses().get(1);
    }

    /** A connection over TCP, logged in as {@code user}. */
    WireClient tcpLogin(String user) {
        return WireClient.connect(tcp()).login(user, password(user));
    }

    @Override
    public void close() {
        gateway.close();
    }
}
