package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.net.InetSocketAddress;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console WebSocket of docs/web.md with a real client against a real gateway and real children. */
class ConsoleWebSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Lines {@code burst} prints, a write each (numbers; in all under a console's bound). */
    private static final int BURST_LINES = 5_000;

    @TempDir
    Path tmp;

    private Gateway gateway;

    private WebClient start(String extraHttp) throws Exception {
        String conf = "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s,"
                + " allow-root-children = true\n"
                + " http { host = \"127.0.0.1\", port = 0 " + extraHttp + " }\n"
                + " users { alice { password = \"alice-pw\" }, bob { password = \"bob-pw\" } }\n"
                + " processes { echo { command = \"cat\", owner = alice, autostart = true }\n"
                + "  flood { owner = alice, command = \"awk 'BEGIN { for (i = 0; i < 5000; i++)"
                + " printf \\\"%d %01000d\\\\n\\\", i, 0 }'\" }\n"
                + "  burst { owner = alice, command = \"sh -c 'i=0; while [ $i -lt " + BURST_LINES
                + " ]; do echo $i; i=$((i+1)); done'\" } } }";
        gateway = Gateway.start(GatewayConfig.parse(conf));
        await().atMost(WAIT).until(() -> gateway.readiness().notReadyReason().isEmpty());
        WebClient c = new WebClient("http://127.0.0.1:"
                + ((InetSocketAddress) gateway.boundAddresses("http").get(0)).getPort());
        assertThat(c.login("alice", "alice-pw").statusCode()).isEqualTo(200);
        return c;
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private void print(String line) {
        gateway.host().writeStdin("echo", line.getBytes(StandardCharsets.UTF_8));
    }

    private void awaitLines(long count) {
        await().atMost(WAIT)
                .until(() -> gateway.host().status("echo").orElseThrow().nextLine() >= count);
    }

    @Test
    void historyThenLiveThenInputWithNoNumberSkippedOrRepeated() throws Exception {
        WebClient c = start("");
        for (int i = 0; i < 500; i++) {
            print("old " + i);
        }
        awaitLines(500);
        WebClient.Console console = c.console("/api/processes/echo/console?from=0");
        assertThat(console.next().get("t").asText()).isEqualTo("state");
        Thread printer = new Thread(() -> {
            for (int i = 0; i < 500; i++) {
                print("new " + i);
            }
        });
        printer.start();
        List<Long> numbers = new ArrayList<>();
        while (numbers.size() < 1000) {
            JsonNode f = console.next("line");
            numbers.add(f.get("n").asLong());
            if (numbers.size() == 1) {
                assertThat(f.get("text").asText()).isEqualTo("old 0");
            }
        }
        printer.join();
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).isEqualTo(i);
        }
        console.send("{\"t\":\"input\",\"line\":\"typed in the browser\"}");
        JsonNode echoed = console.next("line");
        assertThat(echoed.get("n").asLong()).isEqualTo(1000);
        assertThat(echoed.get("text").asText()).isEqualTo("typed in the browser");
        console.send("not json");
        assertThat(console.next("error").get("error").asText()).startsWith("not JSON");
        console.send("{\"t\":\"input\",\"line\":7}");
        assertThat(console.next("error").get("error").asText()).contains("line");
        console.send("{\"t\":\"input\",\"line\":\"still open\"}");
        assertThat(console.next("line").get("text").asText()).isEqualTo("still open");
    }

    @Test
    void reconnectFromTheNextNumberResumesWithNothingLostOrRepeated() throws Exception {
        WebClient c = start("");
        for (int i = 0; i < 100; i++) {
            print("a " + i);
        }
        awaitLines(100);
        WebClient.Console first = c.console("/api/processes/echo/console?from=0");
        long last = -1;
        while (last < 49) {
            last = first.next("line").get("n").asLong();
        }
        first.socket.abort();
        for (int i = 0; i < 100; i++) {
            print("b " + i);
        }
        awaitLines(200);
        WebClient.Console second = c.console("/api/processes/echo/console?from=" + (last + 1));
        for (long n = last + 1; n < 200; n++) {
            assertThat(second.next("line").get("n").asLong()).isEqualTo(n);
        }
    }

    @Test
    void stateFramesFollowTheProcessAcrossRestartsAndTheSocketStaysOpen() throws Exception {
        WebClient c = start("");
        WebClient.Console console = c.console("/api/processes/echo/console");
        assertThat(console.next("state").get("state").asText()).isEqualTo("running");
        assertThat(c.post("/api/processes/echo/kill", "{}").statusCode()).isEqualTo(200);
        JsonNode exited;
        do {
            exited = console.next("state");
        } while (!exited.get("state").asText().equals("exited"));
        assertThat(exited.get("signal").asText()).isEqualTo("SIGKILL");
        assertThat(c.post("/api/processes/echo/start", "{}").statusCode()).isEqualTo(200);
        JsonNode running;
        do {
            running = console.next("state");
        } while (!running.get("state").asText().equals("running"));
        assertThat(running.get("pid").asLong()).isPositive();
        print("after restart");
        assertThat(console.next("line").get("text").asText()).isEqualTo("after restart");
    }

    @Test
    void aSlowConsumerIsToldWhatItMissedAndTheStreamGoesOn() throws Exception {
        WebClient c = start(", console-buffer = 1 KiB");
        WebClient.Console console = c.console("/api/processes/flood/console?from=0");
        console.next("state");
        console.paused = true; // stop reading: the socket buffers fill, then the console's queue
        assertThat(c.post("/api/processes/flood/start", "{}").statusCode()).isEqualTo(200);
        await().atMost(WAIT)
                .until(() -> gateway.host().status("flood").orElseThrow().nextLine() >= 5000);
        console.paused = false;
        console.socket.request(Long.MAX_VALUE);
        long expected = 0;
        boolean missed = false;
        while (expected < 5000) {
            JsonNode f = console.next();
            switch (f.get("t").asText()) {
                case "line" -> {
                    assertThat(f.get("n").asLong()).isEqualTo(expected);
                    expected++;
                }
                case "missed" -> {
                    assertThat(f.get("from").asLong()).isEqualTo(expected);
                    assertThat(f.get("to").asLong()).isGreaterThan(expected);
                    expected = f.get("to").asLong();
                    missed = true;
                }
                default -> {}
            }
        }
        assertThat(missed).isTrue();
    }

    @Test
    void consolesSharingOneProcessEachGetEveryLineOnceInOrderWhereverTheyJoined() throws Exception {
        WebClient c = start("");
        List<WebClient.Console> consoles = new ArrayList<>();
        consoles.add(c.console("/api/processes/burst/console"));
        consoles.add(c.console("/api/processes/burst/console"));
        consoles.add(c.console("/api/processes/burst/console?from=0"));
        for (WebClient.Console console : consoles) {
            console.next("state");
        }
        assertThat(c.post("/api/processes/burst/start", "{}").statusCode()).isEqualTo(200);
        // joined while the lines come: the history, then live lines, with no seam
        while (consoles.size() < 12
                && gateway.host().status("burst").orElseThrow().running()) {
            consoles.add(c.console("/api/processes/burst/console?from=0"));
        }
        for (WebClient.Console console : consoles) {
            long expected = 0;
            while (expected < BURST_LINES) {
                JsonNode f = console.next();
                assertThat(f.get("t").asText()).isIn("line", "state", "stats");
                if (f.get("t").asText().equals("line")) {
                    assertThat(f.get("n").asLong()).isEqualTo(expected);
                    assertThat(f.get("text").asText()).isEqualTo(Long.toString(expected));
                    expected++;
                }
            }
        }
        // another process has a feed of its own
        WebClient.Console echo = c.console("/api/processes/echo/console");
        echo.next("state");
        print("to echo");
        assertThat(echo.next("line").get("text").asText()).isEqualTo("to echo");
    }

    @Test
    void foreignOriginNoSessionAndOtherUsersProcessAreRefused() throws Exception {
        WebClient c = start(", allowed-origins = [\"https://panel.example.org\"]");
        assertThatThrownBy(() -> c.console("/api/processes/echo/console", "https://evil.example.com"))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(
                                ((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(403));
        assertThatThrownBy(() -> c.console("/api/processes/echo/console", null))
                .cause()
                .satisfies(e -> assertThat(
                                ((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(403));
        c.console("/api/processes/echo/console", "https://panel.example.org")
                .socket
                .abort();
        WebClient anonymous = new WebClient(c.base);
        assertThatThrownBy(() -> anonymous.console("/api/processes/echo/console"))
                .cause()
                .satisfies(e -> assertThat(
                                ((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(401));
        WebClient bob = new WebClient(c.base);
        bob.login("bob", "bob-pw");
        assertThatThrownBy(() -> bob.console("/api/processes/echo/console"))
                .cause()
                .satisfies(e -> assertThat(
                                ((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(403));
        assertThat(c.get("/api/processes").statusCode()).isEqualTo(200);
    }

    @Test
    void limitsCloseWith4429And1009AndLogoutWith1008() throws Exception {
        WebClient c = start(", max-consoles-per-user = 2");
        WebClient.Console one = c.console("/api/processes/echo/console");
        WebClient.Console two = c.console("/api/processes/echo/console");
        WebClient.Console three = c.console("/api/processes/echo/console");
        assertThat(three.awaitClose()).isEqualTo(4429);
        two.send("{\"t\":\"input\",\"line\":\"" + "y".repeat(70 * 1024) + "\"}");
        assertThat(two.awaitClose()).isEqualTo(1009);
        assertThat(c.post("/api/logout", "").statusCode()).isEqualTo(204);
        assertThat(one.awaitClose()).isEqualTo(1008);
    }

    @Test
    void anExpiredSessionClosesItsConsoleWith1008() throws Exception {
        WebClient c = start(", session-idle-timeout = 1s");
        WebClient.Console console = c.console("/api/processes/echo/console");
        assertThat(console.awaitClose()).isEqualTo(1008);
        assertThat(c.get("/api/session").statusCode()).isEqualTo(401);
        assertThat(c.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void aStoppingGatewayClosesItsConsolesWith1001() throws Exception {
        WebClient c = start("");
        WebClient.Console console = c.console("/api/processes/echo/console");
        gateway.close();
        assertThat(console.awaitClose()).isEqualTo(1001);
    }
}
