package io.procgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.procgate.agones.testing.FakeAgonesSdk;
import io.procgate.core.Gateway;
import io.procgate.host.ProcessState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ConfigMap's settings and stand-in game, run by a real gateway as a GameServer's Pod runs
 * them (only the listeners moved to free loopback ports, the data to a temporary directory, root
 * allowed for a test run as root, and the link switched on as Agones' variable would): the SDK hears Ready after the game's ready
 * line, the map label, the players, and Shutdown when the game stops.
 */
class ShippedConfigRunTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void theShippedConfigTellsTheSdkWhatTheStandInGamePrints() throws Exception {
        Path game = tmp.resolve("game.sh");
        Files.writeString(game, ShippedConfig.gameScript());
        try (FakeAgonesSdk sdk = FakeAgonesSdk.start("players")) {
            String overrides = """
                    gateway {
                      data-dir = "%s"
                      allow-root-children = true  # the tests may run as root; the Pod runs as uid 10001
                      tcprocd.listeners = [{ host = "127.0.0.1", port = 0 }]
                      tcpr.listeners = [{ host = "127.0.0.1", port = 0, process = game, password-hash = ${PROCGATE_TCPR_PASSWORD_HASH} }]
                      http { host = "127.0.0.1", port = 0 }
                      processes.game { command = "sh %s", path = "%s" }
                      agones { enabled = true, sdk-port = %d, health-interval = 200ms }
                    }
                    """.formatted(tmp.resolve("data"), game, tmp, sdk.port());
            try (Gateway gateway = Gateway.start(ConfigFactory.parseString(ShippedConfig.hocon(overrides)))) {
                await().atMost(WAIT).until(() -> sdk.count("/ready") == 1);
                await().atMost(WAIT).until(() -> "lobby".equals(sdk.labels().get("map")));
                type(gateway, "join alice");
                type(gateway, "join bob");
                await().atMost(WAIT).until(() -> sdk.listValues("players").equals(Set.of("alice", "bob")));
                type(gateway, "leave alice");
                await().atMost(WAIT).until(() -> sdk.listValues("players").equals(Set.of("bob")));
                assertThat(sdk.count("/shutdown")).isZero();

                type(gateway, "stop"); // a clean exit: restart = on-failure leaves it down
                await().atMost(WAIT).until(() -> sdk.count("/shutdown") == 1);
                assertThat(gateway.host().status("game").orElseThrow().state()).isEqualTo(ProcessState.EXITED);
                assertThat(sdk.listValues("players")).isEmpty();
                assertThat(sdk.count("/health")).isPositive();
            }
            assertThat(sdk.count("/shutdown")).isEqualTo(1);
        }
    }

    private static void type(Gateway gateway, String line) {
        gateway.host().writeStdin("game", line.getBytes(StandardCharsets.UTF_8));
    }
}
