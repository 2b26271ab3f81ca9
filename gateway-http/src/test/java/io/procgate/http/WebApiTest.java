package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API of docs/web.md against a real gateway over real sockets, with real children. */
class WebApiTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;

    static Gateway gateway;
    static String base;

    @BeforeAll
    static void start() {
        String conf = "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s,"
                + " allow-root-children = true\n"
                + " http { host = \"127.0.0.1\", port = 0 }\n"
                + " users { alice { password = \"alice-pw\" }, bob { password = \"bob-pw\" },"
                + " root { password = \"root-pw\", admin = true } }\n"
                + " processes {\n"
                + "  echo { command = \"cat\", owner = alice, autostart = true }\n"
                + "  idle { command = \"cat\", owner = alice }\n"
                + "  bobs { command = \"cat\", owner = bob, autostart = true }\n"
                + " } }";
        gateway = Gateway.start(GatewayConfig.parse(conf));
        base = "http://127.0.0.1:"
                + ((InetSocketAddress) gateway.boundAddresses("http").get(0)).getPort();
        await().atMost(WAIT).until(() -> gateway.readiness().notReadyReason().isEmpty());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static WebClient alice() throws Exception {
        WebClient c = new WebClient(base);
        assertThat(c.login("alice", "alice-pw").statusCode()).isEqualTo(200);
        return c;
    }

    @Test
    void loginGivesASessionCookieAndCsrfTokenAndLogoutEndsIt() throws Exception {
        WebClient c = new WebClient(base);
        HttpResponse<String> login = c.login("alice", "alice-pw");
        assertThat(login.statusCode()).isEqualTo(200);
        JsonNode body = WebClient.json(login);
        assertThat(body.get("user").asText()).isEqualTo("alice");
        assertThat(body.get("admin").asBoolean()).isFalse();
        assertThat(body.get("csrf").asText()).hasSizeGreaterThan(30);
        String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith("procgate_session=")
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/")
                .doesNotContain("Secure");
        assertThat(login.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(login.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(login.headers().firstValue("referrer-policy")).hasValue("no-referrer");
        assertThat(login.headers().firstValue("content-security-policy").orElseThrow())
                .contains("default-src 'self'")
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'");

        HttpResponse<String> session = c.get("/api/session");
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(WebClient.json(session)).isEqualTo(body);

        String csrf = c.csrf;
        c.csrf = null;
        assertThat(c.post("/api/logout", "").statusCode()).isEqualTo(403);
        c.csrf = "wrong";
        assertThat(c.post("/api/logout", "").statusCode()).isEqualTo(403);
        c.csrf = csrf;
        HttpResponse<String> logout = c.post("/api/logout", "");
        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(logout.headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(c.get("/api/session").statusCode()).isEqualTo(401);
        assertThat(c.get("/api/processes").statusCode()).isEqualTo(401);
    }

    @Test
    void wrongPasswordIs401AndEveryApiPathNeedsASession() throws Exception {
        WebClient c = new WebClient(base);
        HttpResponse<String> wrong = c.login("alice", "nope");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(WebClient.json(wrong).get("error").asText()).isNotEmpty();
        assertThat(c.login("nobody", "x").statusCode()).isEqualTo(401);
        for (String path : new String[] {
            "/api/session",
            "/api/processes",
            "/api/processes/echo",
            "/api/processes/echo/lines",
            "/api/processes/echo/log",
            "/api/processes/echo/search?q=x",
            "/api/nothing"
        }) {
            assertThat(c.get(path).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(c.post("/api/processes/echo/stop", "{}").statusCode()).isEqualTo(401);
        c.cookie = "procgate_session=forged";
        assertThat(c.get("/api/processes").statusCode()).isEqualTo(401);
    }

    @Test
    void processListShowsOwnAndDeclaredProcessesAndAdminSeesAll() throws Exception {
        WebClient a = alice();
        JsonNode list = WebClient.json(a.get("/api/processes"));
        assertThat(list.isArray()).isTrue();
        assertThat(list.findValuesAsText("name")).containsExactly("echo", "idle");
        JsonNode echo = list.get(0);
        assertThat(echo.get("state").asText()).isEqualTo("running");
        assertThat(echo.get("pid").asLong()).isPositive();
        assertThat(echo.get("owner").asText()).isEqualTo("alice");
        assertThat(echo.get("declared").asBoolean()).isTrue();
        assertThat(echo.has("lines")).isTrue();
        JsonNode idle = list.get(1);
        assertThat(idle.get("state").asText()).isEqualTo("exited");
        assertThat(idle.has("pid")).isFalse();

        WebClient root = new WebClient(base);
        assertThat(root.login("root", "root-pw").statusCode()).isEqualTo(200);
        assertThat(WebClient.json(root.get("/api/processes")).findValuesAsText("name"))
                .contains("bobs", "echo", "idle");

        HttpResponse<String> one = a.get("/api/processes/echo");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(WebClient.json(one).get("name").asText()).isEqualTo("echo");
        assertThat(a.get("/api/processes/bobs").statusCode()).isEqualTo(403);
        assertThat(a.get("/api/processes/nope").statusCode()).isEqualTo(404);
        assertThat(a.get("/api/processes/bad%20name").statusCode()).isEqualTo(400);
        assertThat(a.get("/api/processes/" + "x".repeat(65)).statusCode()).isEqualTo(400);
    }

    @Test
    void actionsMapTheirStatusWordsToHttpCodes() throws Exception {
        WebClient a = alice();
        HttpResponse<String> started = a.post("/api/processes/job/start", "{\"command\":\"cat\"}");
        assertThat(started.statusCode()).isEqualTo(200);
        assertThat(WebClient.json(started).get("result").asText()).isEqualTo("OK");
        HttpResponse<String> again = a.post("/api/processes/job/start", "{\"command\":\"cat\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(WebClient.json(again).get("result").asText()).isEqualTo("EXISTS");

        assertThat(a.post("/api/processes/job/input", "{\"line\":\"hello web\"}")
                        .statusCode())
                .isEqualTo(200);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(WebClient.json(a.get("/api/processes/job/lines?from=0"))
                                .get("lines")
                                .toString())
                        .contains("hello web"));

        HttpResponse<String> stop = a.post("/api/processes/job/stop", "{}");
        assertThat(WebClient.json(stop).get("result").asText()).isEqualTo("OK");
        gateway.host().whenStopped("job").get();
        HttpResponse<String> stopAgain = a.post("/api/processes/job/stop", "");
        assertThat(stopAgain.statusCode()).isEqualTo(409);
        assertThat(WebClient.json(stopAgain).get("result").asText()).isEqualTo("OFFLINE");
        assertThat(a.post("/api/processes/job/input", "{\"line\":\"x\"}").statusCode())
                .isEqualTo(409);

        // start without a command starts again what ran before
        assertThat(a.post("/api/processes/job/start", "{}").statusCode()).isEqualTo(200);
        await().atMost(WAIT)
                .until(() -> gateway.host().status("job").orElseThrow().running());
        long pid = gateway.host().status("job").orElseThrow().pid();
        HttpResponse<String> restart = a.post("/api/processes/job/restart", "{}");
        assertThat(restart.statusCode()).isEqualTo(200);
        assertThat(gateway.host().status("job").orElseThrow().pid()).isNotEqualTo(pid);
        HttpResponse<String> kill = a.post("/api/processes/job/kill", "{}");
        assertThat(kill.statusCode()).isEqualTo(200);
        gateway.host().whenStopped("job").get();
        assertThat(WebClient.json(a.get("/api/processes/job")).get("signal").asText())
                .isEqualTo("SIGKILL");

        assertThat(a.post("/api/processes/nope/stop", "{}").statusCode()).isEqualTo(404);
        assertThat(a.post("/api/processes/nope/kill", "{}").statusCode()).isEqualTo(404);
        assertThat(a.post("/api/processes/nope/restart", "{}").statusCode()).isEqualTo(404);
        assertThat(a.post("/api/processes/nope/input", "{\"line\":\"x\"}").statusCode())
                .isEqualTo(404);
        HttpResponse<String> denied = a.post("/api/processes/bobs/stop", "{}");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(WebClient.json(denied).get("result").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(a.post("/api/processes/bobs/start", "{\"command\":\"cat\"}").statusCode())
                .isEqualTo(409);
        assertThat(gateway.host().status("bobs").orElseThrow().running()).isTrue();

        // a declared process starts with {}
        assertThat(a.post("/api/processes/idle/start", "{}").statusCode()).isEqualTo(200);
        assertThat(a.post("/api/processes/idle/stop", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void badInputIs400WithAnErrorAndTheConnectionStaysUsable() throws Exception {
        WebClient a = alice();
        String[][] cases = {
            {"/api/processes/echo/input", "not json"},
            {"/api/processes/echo/input", "[1,2]"},
            {"/api/processes/echo/input", "{\"line\": 5}"},
            {"/api/processes/echo/input", "{}"},
            {"/api/processes/echo/input", "{\"line\":\"a\\nb\"}"},
            {"/api/processes/echo/input", "{\"line\":\"" + "x".repeat(16385) + "\"}"},
            {"/api/processes/echo/input", "{\"line\":\"a\"} trailing"},
            {"/api/processes/echo/input", "{\"line\":\"a\",\"line\":\"b\"}"},
            {"/api/processes/echo/start", "{\"command\": [\"cat\"]}"},
            {"/api/processes/fresh/start", "{}"},
            {"/api/processes/b%2Fd/stop", "{}"},
            {"/api/processes/" + "n".repeat(65) + "/stop", "{}"},
            {"/api/login", "{\"user\": 1, \"password\": \"x\"}"},
            {"/api/login", "{\"user\": \"alice\"}"},
            {"/api/processes/echo/input", "[".repeat(100)},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = a.post(c[0], c[1]);
            assertThat(r.statusCode()).as(c[0] + " " + c[1]).isEqualTo(400);
            assertThat(WebClient.json(r).get("error").asText())
                    .as(c[1])
                    .isNotEmpty()
                    .doesNotContain("Exception");
        }
        for (String q : new String[] {"from=x", "limit=-1", "from=1&from=2", "from=99999999999999999999"}) {
            assertThat(a.get("/api/processes/echo/lines?" + q).statusCode())
                    .as(q)
                    .isEqualTo(400);
        }
        assertThat(a.get("/api/processes/echo/search").statusCode()).isEqualTo(400);
        assertThat(a.get("/api/processes/echo/search?q=").statusCode()).isEqualTo(400);
        assertThat(a.get("/api/processes/echo/log?to=x").statusCode()).isEqualTo(400);
        assertThat(a.get("/api/processes").statusCode()).isEqualTo(200);
        assertThat(gateway.host().status("echo").orElseThrow().running()).isTrue();
    }

    @Test
    void aBodyOverMaxBodyIs400AndTheSameConnectionServesTheNextRequest() throws Exception {
        WebClient a = alice();
        try (Socket s = new Socket("127.0.0.1", port())) {
            OutputStream out = s.getOutputStream();
            int size = 65 * 1024;
            out.write(("POST /api/processes/echo/input HTTP/1.1\r\nHost: x\r\nCookie: " + a.cookie
                            + "\r\nX-CSRF-Token: " + a.csrf + "\r\nContent-Length: " + size + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[size]);
            out.write(("GET /api/session HTTP/1.1\r\nHost: x\r\nCookie: " + a.cookie + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String both = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(both).startsWith("HTTP/1.1 400 Bad Request").contains("\"error\":\"request body over 65536");
            assertThat(both).contains("HTTP/1.1 200 OK").contains("\"user\":\"alice\"");
        }
    }

    @Test
    void wrongMethodsAndUnknownPathsAnswerJsonErrors() throws Exception {
        WebClient a = alice();
        HttpResponse<String> r = a.http.send(
                a.request("/api/processes")
                        .header("X-CSRF-Token", a.csrf)
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(a.get("/api/processes/echo/stop").statusCode()).isEqualTo(405);
        assertThat(a.get("/api/nothing").statusCode()).isEqualTo(404);
        assertThat(a.get("/api/processes/echo/nothing").statusCode()).isEqualTo(404);
        assertThat(a.get("/api/processes/echo/console").statusCode()).isEqualTo(400); // not an upgrade
    }

    @Test
    void throttledAddressGets429() throws Exception {
        // a gateway of its own: the throttle is per address and shared by every listener
        String conf = "gateway { data-dir = \"" + tmp.resolve("throttle") + "\", shutdown-timeout = 5s\n"
                + " http { host = \"127.0.0.1\", port = 0 }\n"
                + " users { carol { password = \"carol-pw\" } } }";
        try (Gateway own = Gateway.start(GatewayConfig.parse(conf))) {
            WebClient c = new WebClient("http://127.0.0.1:"
                    + ((InetSocketAddress) own.boundAddresses("http").get(0)).getPort());
            int status = 0;
            for (int i = 0; i < 10 && status != 429; i++) {
                status = c.login("carol", "wrong").statusCode();
            }
            assertThat(status).isEqualTo(429);
            assertThat(c.login("carol", "carol-pw").statusCode()).isEqualTo(429);
            assertThat(c.get("/healthz").statusCode()).isEqualTo(200);
        }
    }

    private static int port() {
        return ((InetSocketAddress) gateway.boundAddresses("http").get(0)).getPort();
    }
}
