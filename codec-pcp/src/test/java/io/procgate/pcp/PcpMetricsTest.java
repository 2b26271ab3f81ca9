package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
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
            SimpleMeterRegistry simple = new SimpleMeterRegistry();
            gateway.metrics().registry().add(simple);
            try (PcpConsumer c = new PcpConsumer(
                    (InetSocketAddress) gateway.boundAddresses("pcp").get(0))) {
                c.expectPrompt();
                assertThat(c.request("request=list")).isEqualTo("response=list&result=OK&count=0");
                assertThat(c.request("request=status&name=ghost")).isEqualTo("response=status&result=OFFLINE");
                assertThat(c.request("request=status&name=ghost2")).isEqualTo("response=status&result=OFFLINE");
                c.sendRaw("nonsense\r\n");
                c.expect("?\r\n");
                c.expectPrompt();
                assertThat(simple.get("procgate.protocol.connections.active")
                                .tag("protocol", "pcp")
                                .gauge()
                                .value())
                        .isEqualTo(1.0);
            }
            assertThat(requests(simple, "OK")).isEqualTo(1.0);
            assertThat(requests(simple, "OFFLINE")).isEqualTo(2.0);
            assertThat(requests(simple, "UNPROCESSABLE")).isEqualTo(1.0);
            assertThat(simple.get("procgate.protocol.connections")
                            .tag("protocol", "pcp")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> simple.get("procgate.protocol.connections.active")
                                    .tag("protocol", "pcp")
                                    .gauge()
                                    .value()
                            == 0.0);
        }
    }

    private static double requests(SimpleMeterRegistry r, String status) {
        return r.get("procgate.protocol.requests")
                .tags("protocol", "pcp", "status", status)
                .counter()
                .count();
    }
}
