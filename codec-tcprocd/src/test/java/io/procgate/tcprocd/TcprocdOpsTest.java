package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.core.testing.ProtocolMeters;
import io.procgate.core.testing.TestCertificates;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcprocd over TLS, and the protocol's counters (requests by status, failed logins). */
class TcprocdOpsTest {
    @TempDir
    Path tmp;

    private String config(String listener) {
        return "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s\n"
                + " users.alice { password = \"secret\", admin = true }\n"
                + " tcprocd.listeners = [" + listener + "] }";
    }

    private static int port(Gateway gateway) {
        return ((InetSocketAddress) gateway.boundAddresses("tcprocd").get(0)).getPort();
    }

    private static String status(DataInputStream in) throws IOException {
        int length = Integer.parseInt(new String(in.readNBytes(2), StandardCharsets.US_ASCII));
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    @Test
    void aTlsListenerServesTheSameProtocol() throws Exception {
        TestCertificates certs = TestCertificates.create(tmp);
        String listener = "{ host = \"127.0.0.1\", port = 0, tls { cert = \"" + certs.cert() + "\", key = \""
                + certs.key() + "\" } }";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(config(listener)))) {
            try (SSLSocket s =
                    (SSLSocket) certs.clientContext().getSocketFactory().createSocket("127.0.0.1", port(gateway))) {
                s.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                assertThat(status(in)).isEqualTo("AUTHENTICATION_REQUIRED");
                assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
                out.write(TcprocdWire.credentials("alice", "secret"));
                assertThat(status(in)).isEqualTo("OK");
                out.write(TcprocdWire.list());
                assertThat(status(in)).isEqualTo("OK");
                assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII))
                        .isEqualTo("10");
            }
            // no plain-text greeting on a TLS port
            try (Socket plain = new Socket("127.0.0.1", port(gateway))) {
                plain.setSoTimeout(2_000);
                byte[] got = plain.getInputStream().readNBytes(2);
                assertThat(new String(got, StandardCharsets.US_ASCII)).isNotEqualTo("23");
            } catch (IOException timeoutOrReset) {
                // nothing in clear text: fine
            }
        }
    }

    @Test
    void tlsIsForTcpListenersOnly() {
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(
                        config("{ socket = \"" + tmp.resolve("s.sock") + "\", tls { cert = \"a\", key = \"b\" } }"))))
                .isInstanceOf(com.typesafe.config.ConfigException.class)
                .hasMessageContaining("tls");
    }

    @Test
    void countsRequestsByStatusAndFailedLogins() throws Exception {
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(config("{ host = \"127.0.0.1\", port = 0 }")))) {
            ProtocolMeters meters = ProtocolMeters.of(gateway, "tcprocd");
            try (Socket s = new Socket("127.0.0.1", port(gateway))) {
                s.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertThat(status(in)).isEqualTo("AUTHENTICATION_REQUIRED");
                s.getOutputStream().write(TcprocdWire.credentials("alice", "wrong"));
                assertThat(status(in)).isEqualTo("AUTHENTICATION_ERROR");
            }
            try (Socket s = new Socket("127.0.0.1", port(gateway))) {
                s.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                assertThat(status(in)).isEqualTo("AUTHENTICATION_REQUIRED");
                out.write(TcprocdWire.credentials("alice", "secret"));
                assertThat(status(in)).isEqualTo("OK");
                out.write(TcprocdWire.list());
                assertThat(status(in)).isEqualTo("OK");
                in.readNBytes(2);
                out.write(TcprocdWire.kill("ghost"));
                assertThat(status(in)).isEqualTo("OFFLINE");
                out.write(TcprocdWire.command("ghost", "x"));
                assertThat(status(in)).isEqualTo("OFFLINE");
                out.write("04lisx".getBytes(StandardCharsets.US_ASCII));
                assertThat(status(in)).isEqualTo("ERROR");
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(meters.requests("OK")).isEqualTo(1.0);
                assertThat(meters.requests("OFFLINE")).isEqualTo(2.0);
                assertThat(meters.requests("ERROR")).isEqualTo(1.0);
                assertThat(meters.authFailures()).isEqualTo(1.0);
                assertThat(meters.connections()).isEqualTo(2.0);
            });
        }
    }
}
