package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.core.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history endpoints (lines, log, search) and the static files, against a real gateway. */
class HistoryApiTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int LINES = 3000;

    @TempDir
    static Path tmp;

    static Gateway gateway;
    static WebClient alice;

    @BeforeAll
    static void start() throws Exception {
        String conf = "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s,"
                + " allow-root-children = true\n"
                + " http { host = \"127.0.0.1\", port = 0 }\n"
                + " history { retention = 64 KiB, segment-size = 4 KiB }\n"
                + " users { alice { password = \"alice-pw\" } }\n"
                + " processes {\n"
                + "  echo { command = \"cat\", owner = alice, autostart = true }\n"
                + "  short { command = \"cat\", owner = alice, autostart = true }\n"
                + "  never { command = \"cat\", owner = alice }\n"
                + " } }";
        gateway = Gateway.start(GatewayConfig.parse(conf));
        await().atMost(WAIT).until(() -> gateway.readiness().notReadyReason().isEmpty());
        alice = new WebClient("http://127.0.0.1:"
                + ((InetSocketAddress) gateway.boundAddresses("http").get(0)).getPort());
        assertThat(alice.login("alice", "alice-pw").statusCode()).isEqualTo(200);
        // a history longer than retention keeps: its oldest lines are gone
        for (int i = 0; i < LINES; i++) {
            write("echo", (i == 2990 ? "Needle " : "line ") + i + " of the long history");
        }
        await().atMost(WAIT)
                .until(() -> gateway.host().status("echo").orElseThrow().nextLine() == LINES);
        write("short", "plain");
        gateway.host().writeStdin("short", new byte[] {'b', 'a', 'd', (byte) 0xff, ' ', 0x1b, '[', '3', '1', 'm'});
        write("short", "needle one");
        await().atMost(WAIT)
                .until(() -> gateway.host().status("short").orElseThrow().nextLine() == 3);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static void write(String name, String line) {
        while (gateway.host().writeStdin(name, line.getBytes(StandardCharsets.UTF_8))
                != io.procgate.host.StdinResult.WRITTEN) {
            Thread.onSpinWait();
        }
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> r = alice.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        return WebClient.json(r);
    }

    private static List<String> texts(JsonNode lines) {
        List<String> out = new ArrayList<>();
        lines.forEach(l -> out.add(l.asText()));
        return out;
    }

    @Test
    void linesGivesNumberedLinesAndNextAndTheLastLinesWithAMinusFrom() throws Exception {
        JsonNode last = json("/api/processes/echo/lines?from=-10");
        assertThat(last.get("from").asLong()).isEqualTo(LINES - 10);
        assertThat(last.get("next").asLong()).isEqualTo(LINES);
        assertThat(texts(last.get("lines"))).hasSize(10).endsWith("line 2999 of the long history");
        assertThat(last.has("missed")).isFalse();

        JsonNode some = json("/api/processes/echo/lines?from=2500&limit=3");
        assertThat(some.get("from").asLong()).isEqualTo(2500);
        assertThat(some.get("next").asLong()).isEqualTo(2503);
        assertThat(texts(some.get("lines")))
                .containsExactly(
                        "line 2500 of the long history",
                        "line 2501 of the long history",
                        "line 2502 of the long history");

        JsonNode byDefault = json("/api/processes/echo/lines");
        assertThat(byDefault.get("next").asLong()).isEqualTo(LINES);
        assertThat(byDefault.get("lines").size()).isLessThanOrEqualTo(1000);

        JsonNode past = json("/api/processes/echo/lines?from=999999");
        assertThat(past.get("lines").size()).isZero();
        assertThat(past.get("next").asLong()).isEqualTo(LINES);

        JsonNode never = json("/api/processes/never/lines?from=0");
        assertThat(never.get("next").asLong()).isZero();
    }

    @Test
    void linesBelowWhatRetentionKeptAreNamedAsMissed() throws Exception {
        JsonNode gone = json("/api/processes/echo/lines?from=0&limit=5");
        JsonNode missed = gone.get("missed");
        assertThat(missed.get("from").asLong()).isZero();
        long oldest = missed.get("to").asLong();
        assertThat(oldest).isPositive();
        assertThat(gone.get("from").asLong()).isEqualTo(oldest);
        assertThat(texts(gone.get("lines")).get(0)).isEqualTo("line " + oldest + " of the long history");
        assertThat(json("/api/processes/echo/lines?from=" + oldest + "&limit=1").has("missed"))
                .isFalse();
    }

    @Test
    void nonUtf8BytesBecomeReplacementCharactersInJsonAndStayRawInTheLog() throws Exception {
        JsonNode lines = json("/api/processes/short/lines?from=0");
        assertThat(texts(lines.get("lines"))).containsExactly("plain", "bad\uFFFD \u001b[31m", "needle one");

        HttpResponse<byte[]> log = alice.getBytes("/api/processes/short/log?from=1&to=2");
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(log.headers().firstValue("content-disposition").orElseThrow())
                .startsWith("attachment");
        assertThat(log.body()).containsExactly('b', 'a', 'd', 0xff, ' ', 0x1b, '[', '3', '1', 'm', '\n');

        HttpResponse<byte[]> all = alice.getBytes("/api/processes/echo/log");
        String text = new String(all.body(), StandardCharsets.UTF_8);
        assertThat(text).endsWith("line 2999 of the long history\n");
        long kept = text.lines().count();
        JsonNode first = json("/api/processes/echo/lines?from=0&limit=1");
        assertThat(kept).isEqualTo(LINES - first.get("from").asLong());
    }

    @Test
    void searchFindsTheNewestMatchesBelowBeforeIgnoringCase() throws Exception {
        JsonNode found = json("/api/processes/echo/search?q=needle");
        assertThat(found.get("matches")).hasSize(1);
        assertThat(found.get("matches").get(0).get("n").asLong()).isEqualTo(2990);
        assertThat(found.get("matches").get(0).get("text").asText()).isEqualTo("Needle 2990 of the long history");
        assertThat(json("/api/processes/echo/search?q=needle&before=2990").get("matches"))
                .isEmpty();

        JsonNode newest = json("/api/processes/echo/search?q=OF%20THE&limit=3");
        List<Long> numbers = new ArrayList<>();
        newest.get("matches").forEach(m -> numbers.add(m.get("n").asLong()));
        assertThat(numbers).containsExactly(2999L, 2998L, 2997L);
        JsonNode older = json("/api/processes/echo/search?q=of%20the&limit=2&before="
                + newest.get("before").asLong());
        assertThat(older.get("matches").get(0).get("n").asLong()).isEqualTo(2996);
        assertThat(json("/api/processes/short/search?q=NEEDLE")
                        .get("matches")
                        .get(0)
                        .get("n")
                        .asLong())
                .isEqualTo(2);
    }

    @Test
    void staticFilesAreServedByExtensionAndNothingElseIs() throws Exception {
        HttpResponse<String> probe = alice.get("/static/api-test-probe.js");
        assertThat(probe.statusCode()).isEqualTo(200);
        assertThat(probe.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(probe.headers().firstValue("content-security-policy").orElseThrow())
                .contains("script-src 'self'");
        assertThat(probe.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(probe.body()).contains("api-test");
        for (String path : new String[] {
            "/static/missing.js",
            "/static/api-test-probe.exe",
            "/static/..%2Fweb%2Fapi-test-probe.js",
            "/static/.hidden.js",
            "/static/",
            "/static/a/b.js",
            "/static/%2e%2e/HttpPlugin.class"
        }) {
            assertThat(alice.get(path).statusCode()).as(path).isEqualTo(404);
        }
        HttpResponse<String> head = alice.http.send(
                alice.request("/static/api-test-probe.js")
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> root = alice.get("/");
        // the page itself is the page module's; whatever the answer, it carries the headers
        assertThat(root.statusCode()).isIn(200, 404);
        assertThat(root.headers().firstValue("content-security-policy")).isPresent();
        assertThat(root.headers().firstValue("referrer-policy")).hasValue("no-referrer");
    }

    @Test
    void theSessionCookieIsSecureOverTls() throws Exception {
        TestCertificates certs = TestCertificates.create(tmp);
        String conf = "gateway { data-dir = \"" + tmp.resolve("tls-data") + "\", shutdown-timeout = 5s\n"
                + " http { port = 0, tls { cert = \"" + certs.cert() + "\", key = \"" + certs.key() + "\" } }\n"
                + " users { alice { password = \"alice-pw\" } } }";
        try (Gateway tls = Gateway.start(GatewayConfig.parse(conf))) {
            HttpClient client =
                    HttpClient.newBuilder().sslContext(certs.clientContext()).build();
            int port = ((InetSocketAddress) tls.boundAddresses("http").get(0)).getPort();
            HttpResponse<String> login = client.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/login"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\",\"password\":\"alice-pw\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.headers().firstValue("set-cookie").orElseThrow())
                    .contains("HttpOnly; SameSite=Strict; Path=/; Secure");
        }
    }
}
