package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procgate.core.net.TlsSettings;
import io.procgate.core.testing.LogCapture;
import io.procgate.core.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTlsTest {
    @TempDir
    Path tmp;

    private String config(String listeners) {
        return "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s\n dummy.listeners = ["
                + listeners + "] }";
    }

    private static int port(Gateway gateway) {
        return ((InetSocketAddress) gateway.boundAddresses("dummy").get(0)).getPort();
    }

    @Test
    void aTlsListenerSpeaksTls12OrNewerAndTheProtocolSeesPlainBytes() throws Exception {
        TestCertificates certs = TestCertificates.create(tmp);
        String tls = "tls { cert = \"" + certs.cert() + "\", key = \"" + certs.key() + "\" }";
        try (LogCapture logs = LogCapture.start();
                Gateway gateway =
                        Gateway.start(GatewayConfig.parse(config("{ host = \"127.0.0.1\", port = 0, " + tls + " }")))) {
            assertThat(logs.messages()).contains("INFO dummy listening on 127.0.0.1:" + port(gateway) + " (TLS)");
            try (SSLSocket s =
                    (SSLSocket) certs.clientContext().getSocketFactory().createSocket("127.0.0.1", port(gateway))) {
                s.startHandshake();
                assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("hello\n");
            }
            // a TLS 1.1 client is refused
            try (SSLSocket s =
                    (SSLSocket) certs.clientContext().getSocketFactory().createSocket("127.0.0.1", port(gateway))) {
                s.setEnabledProtocols(new String[] {"TLSv1.1"});
                assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
            }
            // a plain client gets no greeting in clear text
            try (Socket s = new Socket("127.0.0.1", port(gateway))) {
                s.getOutputStream().write("hello?\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                byte[] got = in.readAllBytes();
                assertThat(new String(got, StandardCharsets.ISO_8859_1)).doesNotContain("hello");
            } catch (IOException expected) {
                // reset by the server: fine too
            }
        }
    }

    @Test
    void theServerContextOffersOnlyTls12AndNewer() throws Exception {
        TestCertificates certs = TestCertificates.create(tmp);
        SSLEngine engine = new TlsSettings(certs.cert(), certs.key())
                .serverContext()
                .newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
        assertThat(List.of(engine.getEnabledProtocols())).isNotEmpty().isSubsetOf("TLSv1.3", "TLSv1.2");
    }

    @Test
    void aMissingOrBadCertificateIsOneClearLine() throws Exception {
        Path missing = tmp.resolve("nope.pem");
        assertThatThrownBy(() ->
                        Gateway.start(GatewayConfig.parse(config("{ host = \"127.0.0.1\", port = 0, tls { cert = \""
                                + missing + "\", key = \"" + missing + "\" } }"))))
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("dummy: cannot listen on 127.0.0.1:0: TLS file " + missing + ": no such file");
        Path garbage = Files.writeString(tmp.resolve("garbage.pem"), "not a certificate\n");
        assertThatThrownBy(() ->
                        Gateway.start(GatewayConfig.parse(config("{ host = \"127.0.0.1\", port = 0, tls { cert = \""
                                + garbage + "\", key = \"" + garbage + "\" } }"))))
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("dummy: cannot listen on 127.0.0.1:0: TLS certificate " + garbage)
                .hasMessageNotContaining("\n");
    }

    @Test
    void tlsKeysAreValidated() {
        assertThatThrownBy(() -> Gateway.start(
                        GatewayConfig.parse(config("{ host = \"127.0.0.1\", port = 0, tls { cert = \"a.pem\" } }"))))
                .isInstanceOf(com.typesafe.config.ConfigException.class)
                .hasMessageStartingWith("gateway.dummy.listeners.0.tls.key: missing");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(
                        config("{ host = \"127.0.0.1\", port = 0, tls { cert = \"a\", key = \"b\", ca = \"c\" } }"))))
                .hasMessageStartingWith("gateway.dummy.listeners.0.tls.ca: unknown key");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(
                        config("{ socket = \"" + tmp.resolve("s.sock") + "\", tls { cert = \"a\", key = \"b\" } }"))))
                .hasMessageStartingWith("gateway.dummy.listeners.0.tls: TLS is for TCP listeners");
    }
}
