package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP listener's connection limits and idle timeout, over real sockets; bad settings fail the start. */
class ListenerLimitsTest {
    @TempDir
    Path tmp;

    private String config(String http) {
        return "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s\n"
                + " http { host = \"127.0.0.1\", port = 0, " + http + " } }";
    }

    private static int port(Gateway g) {
        return ((InetSocketAddress) g.boundAddresses("http").get(0)).getPort();
    }

    @Test
    void aConnectionPastThePerAddressLimitIsClosedAtOnceAndOthersServe() throws Exception {
        try (Gateway g = Gateway.start(GatewayConfig.parse(config("max-connections-per-address = 2")))) {
            // Each connection is counted on its own event loop: a and b are known to be admitted
            // (each has been answered) before c comes, or c could be counted before b.
            try (Socket a = new Socket("127.0.0.1", port(g));
                    Socket b = new Socket("127.0.0.1", port(g))) {
                assertThat(healthz(a, "keep-alive")).startsWith("HTTP/1.1 200 OK");
                assertThat(healthz(b, "keep-alive")).startsWith("HTTP/1.1 200 OK");
                try (Socket c = new Socket("127.0.0.1", port(g))) {
                    c.setSoTimeout(10_000);
                    assertThat(c.getInputStream().read()).isEqualTo(-1);
                }
                assertThat(healthz(a, "close")).startsWith("HTTP/1.1 200 OK");
                assertThat(healthz(b, "keep-alive")).startsWith("HTTP/1.1 200 OK");
            }
        }
    }

    /** One GET /healthz on {@code s}; the answer's head and body (read by its Content-Length). */
    private static String healthz(Socket s, String connection) throws Exception {
        s.setSoTimeout(10_000);
        s.getOutputStream()
                .write(("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: " + connection + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return RawHttpAnswer.read(s.getInputStream()).toString();
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Gateway g = Gateway.start(GatewayConfig.parse(config("idle-timeout = 300ms")));
                Socket s = new Socket("127.0.0.1", port(g))) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void badSettingsNameTheirKey() {
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("max-body = 10"))))
                .hasMessageStartingWith("gateway.http.max-body:");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("session-idle-timeout = 0s"))))
                .hasMessageStartingWith("gateway.http.session-idle-timeout:");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("allowed-origins = [\"evil.com/x\"]"))))
                .hasMessageStartingWith("gateway.http.allowed-origins:");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("max-consoles-per-user = 0"))))
                .hasMessageStartingWith("gateway.http.max-consoles-per-user:");
    }
}
