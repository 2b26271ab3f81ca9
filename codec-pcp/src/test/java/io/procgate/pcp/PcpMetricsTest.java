package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.core.testing.ProtocolMeters;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcpMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void countsConnectionsAndRequestsByResult() throws Exception {
        String conf =
                "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s, http.enabled = false\n"
                        + " users.cabinet { password = \"x\" }\n"
                        + " pcp.listeners = [{ host = \"127.0.0.1\", port = 0, user = cabinet }] }";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(conf))) {
            ProtocolMeters meters = ProtocolMeters.of(gateway, "pcp");
            try (PcpConsumer c = new PcpConsumer(
                    (InetSocketAddress) gateway.boundAddresses("pcp").get(0))) {
                c.expectPrompt();
                assertThat(c.request("request=list")).isEqualTo("response=list&result=OK&count=0");
                assertThat(c.request("request=status&name=ghost")).isEqualTo("response=status&result=OFFLINE");
                assertThat(c.request("request=status&name=ghost2")).isEqualTo("response=status&result=OFFLINE");
                c.sendRaw("nonsense\r\n");
                c.expect("?\r\n");
                c.expectPrompt();
                assertThat(meters.activeConnections()).isEqualTo(1.0);
            }
            assertThat(meters.requests("OK")).isEqualTo(1.0);
            assertThat(meters.requests("OFFLINE")).isEqualTo(2.0);
            assertThat(meters.requests("UNPROCESSABLE")).isEqualTo(1.0);
            assertThat(meters.connections()).isEqualTo(1.0);
            await().atMost(Duration.ofSeconds(10)).until(() -> meters.activeConnections() == 0.0);
        }
    }
}
