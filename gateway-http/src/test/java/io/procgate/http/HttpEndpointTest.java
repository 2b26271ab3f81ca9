package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.core.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpEndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path tmp;

    private String config(String extra) {
        return "gateway { data-dir = \"" + tmp.resolve("data")
                + "\", shutdown-timeout = 5s, allow-root-children = true\n"
                + " http { host = \"127.0.0.1\", port = 0 } }\n" + extra;
    }

    private static String base(Gateway gateway, String scheme) {
        InetSocketAddress a = (InetSocketAddress) gateway.boundAddresses("http").get(0);
        return scheme + "://127.0.0.1:" + a.getPort();
    }

    private HttpResponse<String> get(HttpClient c, String url) throws IOException, InterruptedException {
        return c.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadinessAndMetrics() throws Exception {
        String conf = config("gateway.processes.app { command = cat, autostart = true }");
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(conf))) {
            String base = base(gateway, "http");
            HttpResponse<String> health = get(client, base + "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
            assertThat(health.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");

            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(get(client, base + "/readyz").statusCode())
                                    .isEqualTo(200));
            assertThat(get(client, base + "/readyz").body()).isEqualTo("ready\n");

            gateway.host().writeStdin("app", "hello".getBytes(StandardCharsets.UTF_8));
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(get(client, base + "/metrics").body())
                                    .contains("procgate_process_output_bytes_total{process=\"app\"} 6.0"));
            HttpResponse<String> metrics = get(client, base + "/metrics?x=1");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body())
                    .contains("procgate_process_state{process=\"app\",state=\"running\"} 1.0")
                    .contains("procgate_process_state{process=\"app\",state=\"exited\"} 0.0")
                    .contains("procgate_process_output_lines_total{process=\"app\"} 1.0")
                    .contains("procgate_process_restarts{process=\"app\"} 0.0")
                    .contains("procgate_process_attached_clients{process=\"app\"} 0.0")
                    .contains("procgate_protocol_requests_total{protocol=\"http\",status=\"200\"}")
                    .contains("procgate_protocol_connections_active{protocol=\"http\"}")
                    .contains("jvm_memory_used_bytes{")
                    .contains("procgate_netty_allocator_used_bytes{area=\"direct\"}")
                    .contains("procgate_netty_direct_memory_used_bytes");

            HttpResponse<String> missing = get(client, base + "/nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            HttpResponse<String> post = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/healthz"))
                            .POST(HttpRequest.BodyPublishers.ofString("x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
            HttpResponse<String> head = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/healthz"))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("content-length")).hasValue("3");
            assertThat(get(client, base + "/metrics").body())
                    .contains("procgate_protocol_requests_total{protocol=\"http\",status=\"404\"} 1.0")
                    .contains("procgate_protocol_requests_total{protocol=\"http\",status=\"405\"} 1.0");
        }
    }

    @Test
    void readyzFailsWhileAnAutostartProcessIsDownAndPassesOnceItIsUp() throws Exception {
        Path go = tmp.resolve("go");
        String conf = config("gateway.processes.game { command = \"sh -c 'test -f " + go
                + " || exit 1; echo up; exec cat'\", autostart = true, restart = always, restart-backoff = 50ms,"
                + " restart-max-failures = 1000 }");
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(conf))) {
            String base = base(gateway, "http");
            HttpResponse<String> down = get(client, base + "/readyz");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).startsWith("not ready: process game is ");
            assertThat(get(client, base + "/healthz").statusCode()).isEqualTo(200);

            Files.writeString(go, "");
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(gateway.host().status("game").orElseThrow().nextLine())
                        .isPositive();
                HttpResponse<String> up = get(client, base + "/readyz");
                assertThat(up.statusCode()).isEqualTo(200);
                assertThat(up.body()).isEqualTo("ready\n");
            });

            gateway.host().stop("game").get();
            gateway.host().whenStopped("game").get();
            HttpResponse<String> stopped = get(client, base + "/readyz");
            assertThat(stopped.statusCode()).isEqualTo(503);
            assertThat(stopped.body()).isEqualTo("not ready: process game is exited\n");
        }
    }

    @Test
    void servesHttpsWithTheConfiguredCertificate() throws Exception {
        TestCertificates certs = TestCertificates.create(tmp);
        String conf = "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s\n"
                + " http { port = 0, tls { cert = \"" + certs.cert() + "\", key = \"" + certs.key() + "\" } } }";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(conf))) {
            HttpClient tls = HttpClient.newBuilder()
                    .sslContext(certs.clientContext())
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<String> health = get(tls, base(gateway, "https") + "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
            assertThat(health.sslSession().orElseThrow().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            // plain HTTP gets no answer from a TLS listener
            assertThatThrownBy(() -> get(client, base(gateway, "http") + "/healthz"))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnectionAndBadRequestsAreClosed() throws Exception {
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(config("")))) {
            InetSocketAddress a =
                    (InetSocketAddress) gateway.boundAddresses("http").get(0);
            try (Socket s = new Socket("127.0.0.1", a.getPort())) {
                OutputStream out = s.getOutputStream();
                out.write(("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n"
                                + "Connection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String both = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(both.split("HTTP/1.1 200 OK", -1)).hasSize(3);
            }
            try (Socket s = new Socket("127.0.0.1", a.getPort())) {
                s.getOutputStream()
                        .write(("GET /" + "x".repeat(10_000) + " HTTP/1.1\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).startsWith("HTTP/1.1 400 Bad Request").contains("connection: close");
            }
        }
    }

    @Test
    void disabledMeansNoListenerAndKeysAreValidated() {
        String off = "gateway { data-dir = \"" + tmp.resolve("data") + "\", http.enabled = false }";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(off))) {
            assertThat(gateway.boundAddresses("http")).isEmpty();
        }
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.http.prot = 1"))
                .hasMessageStartingWith("gateway.http.prot: unknown key");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("gateway.http.tls { cert = \"a.pem\" }"))))
                .hasMessageStartingWith("gateway.http.tls.key: missing");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.http.port = 70000"))
                .hasMessageStartingWith("gateway.http.port: expected a port 0-65535");
    }
}
