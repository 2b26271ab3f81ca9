package io.procgate.tcpr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.core.testing.ProtocolMeters;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TCPR counters: commands by result, failed logins, connections. */
class TcprMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void countsCommandsAndFailedLogins() throws Exception {
        String conf = "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s,"
                + " allow-root-children = true, http.enabled = false\n"
                + " processes.kag { command = cat, autostart = true }\n"
                + " tcpr.listeners = [{ host = \"127.0.0.1\", port = 0, process = kag, password = rcon },"
                + " { host = \"127.0.0.1\", port = 0, process = nothere, password = rcon }] }";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(conf))) {
            ProtocolMeters meters = ProtocolMeters.of(gateway, "tcpr");
            int kag = ((InetSocketAddress) gateway.boundAddresses("tcpr").get(0)).getPort();
            int nothere = ((InetSocketAddress) gateway.boundAddresses("tcpr").get(1)).getPort();
            try (Socket s = new Socket("127.0.0.1", kag)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("guess\n".getBytes(StandardCharsets.UTF_8));
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            gateway.host().status("kag").map(st -> st.running()).orElse(false));
            for (int port : new int[] {kag, nothere}) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(10_000);
                    BufferedReader in =
                            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    s.getOutputStream().write("rcon\n".getBytes(StandardCharsets.UTF_8));
                    assertThat(in.readLine()).endsWith("is now authenticated");
                    s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                    assertThat(in.readLine()).isNotNull();
                }
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(meters.requests("OK")).isEqualTo(1.0);
                assertThat(meters.requests("NOT_RUNNING")).isEqualTo(1.0);
                assertThat(meters.authFailures()).isEqualTo(1.0);
                assertThat(meters.connections()).isEqualTo(3.0);
            });
        }
    }
}
