package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.procgate.core.testing.ChildGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-time console link of a gateway without users, with the real Main in a child JVM. */
class FirstRunLinkTest {
    private static final Pattern LINK =
            Pattern.compile("(?m)^web console: (http://127\\.0\\.0\\.1:\\d+)/\\?token=([A-Za-z0-9_-]+)$");

    @TempDir
    Path tmp;

    private Matcher startAndReadLink(Path conf) throws Exception {
        ChildGateway g = ChildGateway.start(tmp, "-c", conf.toString());
        children.add(g);
        Matcher[] found = new Matcher[1];
        await().atMost(ChildGateway.WAIT).until(() -> {
            Matcher m = LINK.matcher(g.out());
            if (m.find()) {
                found[0] = m;
                return true;
            }
            return false;
        });
        return found[0];
    }

    private final java.util.List<ChildGateway> children = new java.util.ArrayList<>();

    @Test
    void theLinkLogsInAsAdminOnceRedirectedAndEachStartHasANewToken() throws Exception {
        Path conf = tmp.resolve("gateway.conf");
        Files.writeString(
                conf,
                "gateway { data-dir = \"" + tmp.resolve("data")
                        + "\", shutdown-timeout = 5s, allow-root-children = true\n"
                        + " http { host = \"127.0.0.1\", port = 0 } }\n");
        try {
            Matcher link = startAndReadLink(conf);
            String base = link.group(1);
            String token = link.group(2);
            assertThat(children.get(0).out().split("web console: ", -1))
                    .as("printed once")
                    .hasSize(2);
            try (Stream<Path> files = Files.walk(tmp.resolve("data"))) {
                assertThat(files.filter(Files::isRegularFile).anyMatch(f -> contains(f, token)))
                        .as("the token is never written to disk")
                        .isFalse();
            }

            WebClient browser = new WebClient(base);
            HttpResponse<String> wrong = browser.get("/?token=wrong");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("set-cookie")).isEmpty();

            HttpResponse<String> open = browser.get("/?token=" + token);
            assertThat(open.statusCode()).isEqualTo(303);
            assertThat(open.headers().firstValue("location")).hasValue("/");
            String cookie = open.headers().firstValue("set-cookie").orElseThrow();
            assertThat(cookie).contains("HttpOnly; SameSite=Strict; Path=/");
            browser.cookie = cookie.split(";", 2)[0];
            HttpResponse<String> session = browser.get("/api/session");
            assertThat(session.statusCode()).isEqualTo(200);
            JsonNode who = WebClient.json(session);
            assertThat(who.get("admin").asBoolean()).isTrue();
            assertThat(who.get("user").asText()).isEqualTo(System.getProperty("user.name"));
            browser.csrf = who.get("csrf").asText();
            assertThat(browser.post("/api/processes/first/start", "{\"command\":\"cat\"}")
                            .statusCode())
                    .isEqualTo(200);

            children.get(0).signal("TERM");
            assertThat(children.get(0).waitFor()).isZero();
            Matcher again = startAndReadLink(conf);
            assertThat(again.group(2)).isNotEqualTo(token);
            WebClient stale = new WebClient(again.group(1));
            assertThat(stale.get("/?token=" + token).statusCode()).isEqualTo(401);
        } finally {
            children.forEach(ChildGateway::close);
        }
    }

    @Test
    void aGatewayWithUsersPrintsNoLinkAndTakesNoToken() throws Exception {
        Path conf = tmp.resolve("users.conf");
        Files.writeString(
                conf,
                "gateway { data-dir = \"" + tmp.resolve("data2") + "\", shutdown-timeout = 5s\n"
                        + " http { host = \"127.0.0.1\", port = 0 }, users.alice.password = pw }\n");
        ChildGateway g = ChildGateway.start(tmp, "-c", conf.toString());
        try {
            Pattern listening = Pattern.compile("http listening on 127\\.0\\.0\\.1:(\\d+)");
            Matcher[] port = new Matcher[1];
            await().atMost(ChildGateway.WAIT).until(() -> {
                Matcher m = listening.matcher(g.out() + g.err());
                port[0] = m;
                return m.find() && (g.out() + g.err()).contains("procgate started");
            });
            assertThat(g.out()).doesNotContain("web console:");
            WebClient c = new WebClient("http://127.0.0.1:" + port[0].group(1));
            assertThat(c.get("/?token=anything").statusCode()).isEqualTo(401);
        } finally {
            g.close();
        }
    }

    private static boolean contains(Path file, String token) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(token);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
