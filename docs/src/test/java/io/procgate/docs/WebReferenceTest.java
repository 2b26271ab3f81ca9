package io.procgate.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/web.md's API reference against a running gateway started with the page's own configuration:
 * each row, in order, answers the documented status for the logged-in user (the login row's
 * session, with its CSRF token), every row but login answers 401 without a session, and the table
 * names every endpoint of the API.
 */
class WebReferenceTest {
    private static final Pattern ROW =
            Pattern.compile("(?m)^\\| (GET|POST) \\| `([^`]+)`(?: `([^`]*)`)? \\| (\\d{3})[^|]*\\|$");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Set<String> ENDPOINTS = Set.of(
            "POST /api/login",
            "POST /api/logout",
            "GET /api/session",
            "GET /api/processes",
            "GET /api/processes/NAME",
            "GET /api/processes/NAME/lines",
            "GET /api/processes/NAME/log",
            "GET /api/processes/NAME/search",
            "GET /api/processes/NAME/console",
            "POST /api/processes/NAME/start",
            "POST /api/processes/NAME/stop",
            "POST /api/processes/NAME/kill",
            "POST /api/processes/NAME/restart",
            "POST /api/processes/NAME/input");

    @TempDir
    Path tmp;

    private record Row(String method, String path, String body, int status) {
        String endpoint() {
            String p = path.replaceAll("\\?.*", "");
            String[] s = p.split("/");
            if (s.length >= 4 && s[2].equals("processes")) {
                s[3] = "NAME";
            }
            return method + " " + String.join("/", s);
        }
    }

    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        Matcher m = ROW.matcher(Docs.read(Docs.docsDir().resolve("web.md")));
        while (m.find()) {
            rows.add(new Row(
                    m.group(1), m.group(2), m.group(3) == null ? "" : m.group(3), Integer.parseInt(m.group(4))));
        }
        return rows;
    }

    @Test
    void everyDocumentedRowAnswersAsDocumented() throws Exception {
        List<Row> rows = rows();
        Set<String> covered = new TreeSet<>();
        rows.forEach(r -> covered.add(r.endpoint()));
        assertThat(covered).containsAll(ENDPOINTS);
        Docs.Block conf = Docs.blocks(Docs.docsDir().resolve("web.md")).stream()
                .filter(b -> b.lang().equals("hocon"))
                .findFirst()
                .orElseThrow();
        Path dir = Files.createTempDirectory(tmp, "web");
        try (Gateway gateway = Gateway.start(new TestGateway(dir).rewrite(GatewayConfig.parse(conf.text()), true))) {
            await().atMost(TIMEOUT)
                    .until(() -> gateway.readiness().notReadyReason().isEmpty());
            String base = "http://127.0.0.1:"
                    + ((InetSocketAddress) gateway.boundAddresses("http").get(0)).getPort();
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            for (Row row : rows) {
                if (!row.path().equals("/api/login")) {
                    assertThat(send(http, base, row, null, null).statusCode())
                            .as("without a session: " + row)
                            .isEqualTo(401);
                }
            }
            String cookie = null;
            String csrf = null;
            for (Row row : rows) {
                HttpResponse<String> r = send(http, base, row, cookie, csrf);
                assertThat(r.statusCode()).as(row + ": " + r.body()).isEqualTo(row.status());
                if (row.path().equals("/api/login") && r.statusCode() == 200) {
                    cookie = r.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
                    Matcher token = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(r.body());
                    assertThat(token.find()).isTrue();
                    csrf = token.group(1);
                }
                if (r.statusCode() >= 400) {
                    assertThat(r.body()).as(row.toString()).contains("\"error\":");
                }
            }
        }
    }

    private static HttpResponse<String> send(HttpClient http, String base, Row row, String cookie, String csrf)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + row.path())).timeout(TIMEOUT);
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        b = row.method().equals("POST") ? b.POST(HttpRequest.BodyPublishers.ofString(row.body())) : b.GET();
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
