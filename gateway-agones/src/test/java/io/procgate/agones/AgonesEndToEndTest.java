package io.procgate.agones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.agones.testing.FakeAgonesSdk;
import io.procgate.core.testing.ChildGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as it runs in a GameServer's Pod: its {@code Main} in a child JVM, a real game
 * script that prints a ready line, has players join and leave, crashes once, comes back and then
 * ends; the fake SDK on loopback records what the gateway tells it.
 */
class AgonesEndToEndTest {
    private static final String GAME = """
            #!/bin/sh
            echo "Loading map dust2"
            echo "Done (0.4s)! For help, type help"
            echo "alice joined the game"
            echo "bob joined the game"
            echo "alice left the game"
            if [ ! -e crashed ]; then
              touch crashed
              echo "java.lang.OutOfMemoryError" >&2
              exit 1
            fi
            echo "bob left the game"
            echo "Stopping server"
            exit 0
            """;

    @TempDir
    Path tmp;

    private ChildGateway gateway;
    private FakeAgonesSdk sdk;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (sdk != null) {
            sdk.close();
        }
    }

    private Path config(int sdkPort, String agonesExtra) throws Exception {
        Path game = tmp.resolve("game.sh");
        Files.writeString(game, GAME);
        Path conf = tmp.resolve("gateway.conf");
        Files.writeString(conf, """
                gateway {
                  data-dir = data
                  allow-root-children = true
                  processes.game {
                    command = "sh %s", path = "%s", autostart = true
                    restart = on-failure, restart-backoff = 300ms
                  }
                  agones {
                    enabled = true, sdk-port = %d, health-interval = 100ms
                    ready-pattern = "Done \\\\("
                    players { list = players, join = "(?<player>\\\\w+) joined the game", leave = "(?<player>\\\\w+) left the game" }
                    labels { map = "Loading map (?<value>\\\\S+)" }
                    %s
                  }
                }
                """.formatted(game, tmp, sdkPort, agonesExtra));
        return conf;
    }

    @Test
    void aGameThatGetsReadyHasPlayersCrashesComesBackAndEndsIsToldToTheSdk() throws Exception {
        sdk = FakeAgonesSdk.start("players");
        gateway = ChildGateway.start(tmp, "-c", config(sdk.port(), "").toString());
        await().atMost(ChildGateway.WAIT)
                .until(() -> sdk.count("/shutdown") == 1 || !gateway.process().isAlive());
        assertThat(sdk.count("/shutdown"))
                .as("stdout: %s\nstderr: %s", gateway.out(), gateway.err())
                .isEqualTo(1);

        List<String> calls = sdk.callsButHealth();
        // two runs: each Ready once, after its ready line
        assertThat(calls.stream().filter(c -> c.startsWith("POST /ready"))).hasSize(2);
        assertThat(calls.stream().filter(c -> c.contains("/lists/")))
                .containsExactly(
                        "POST /v1beta1/lists/players:addValue {\"value\": \"alice\"}",
                        "POST /v1beta1/lists/players:addValue {\"value\": \"bob\"}",
                        "POST /v1beta1/lists/players:removeValue {\"value\": \"alice\"}",
                        // the crash: bob is still listed, and the restart clears him
                        "POST /v1beta1/lists/players:removeValue {\"value\": \"bob\"}",
                        "POST /v1beta1/lists/players:addValue {\"value\": \"alice\"}",
                        "POST /v1beta1/lists/players:addValue {\"value\": \"bob\"}",
                        "POST /v1beta1/lists/players:removeValue {\"value\": \"alice\"}",
                        "POST /v1beta1/lists/players:removeValue {\"value\": \"bob\"}");
        assertThat(calls.stream().filter(c -> c.contains("/metadata/label")))
                .containsExactly(
                        "PUT /metadata/label {\"key\": \"map\", \"value\": \"dust2\"}",
                        "PUT /metadata/label {\"key\": \"map\", \"value\": \"dust2\"}");
        // the crash was restarted, not shut down: Shutdown is the last call, after the second Ready
        assertThat(calls.get(calls.size() - 1)).isEqualTo("POST /shutdown {}");
        assertThat(calls.lastIndexOf("POST /ready {}")).isLessThan(calls.size() - 1);
        assertThat(sdk.listValues("players")).isEmpty();
        assertThat(sdk.labels()).isEqualTo(java.util.Map.of("map", "dust2"));
        assertThat(sdk.calls()).allSatisfy(c -> assertThat(c.contentType()).isEqualTo("application/json"));
        assertThat(sdk.count("/health")).isPositive();

        gateway.signal("TERM");
        assertThat(gateway.waitFor()).isZero();
        assertThat(sdk.count("/shutdown")).as("not asked twice").isEqualTo(1);
    }

    @Test
    void stoppingTheGatewayWhileTheGameRunsSaysShutdown() throws Exception {
        sdk = FakeAgonesSdk.start("players");
        Path conf = config(sdk.port(), "");
        Files.writeString(tmp.resolve("game.sh"), "echo 'Done (1s)'; exec sleep 600\n");
        gateway = ChildGateway.start(tmp, "-c", conf.toString());
        await().atMost(ChildGateway.WAIT).until(() -> sdk.count("/ready") == 1 && sdk.count("/health") >= 3);
        assertThat(sdk.count("/shutdown")).isZero();
        gateway.signal("TERM");
        assertThat(gateway.waitFor()).isZero();
        assertThat(sdk.callsButHealth()).containsExactly("POST /ready {}", "POST /shutdown {}");
        assertThat(gateway.joinOut()).contains("agones: the gateway stops: Shutdown");
    }

    @Test
    void aBadAgonesSettingStopsTheStartWithOneClearLine() throws Exception {
        Path conf = config(1, "process = lobby");
        gateway = ChildGateway.start(tmp, "-c", conf.toString());
        assertThat(gateway.waitFor()).isNotZero();
        assertThat(gateway.joinErr().strip().lines().toList())
                .singleElement()
                .asString()
                .startsWith("config error: gateway.agones.process: names no declared process: lobby");
        assertThat(Set.of(tmp.toFile().list())).doesNotContain("crashed");
    }
}
