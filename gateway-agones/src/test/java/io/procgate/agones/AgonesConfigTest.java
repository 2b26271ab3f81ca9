package io.procgate.agones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.procgate.core.Gateway;
import io.procgate.core.config.ProcessSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gateway.agones: defaults, enabled = auto, and the one clear line a bad value fails the start with. */
class AgonesConfigTest {
    @TempDir
    Path tmp;

    private String config(String processExtra, String agonesExtra) {
        return AgonesFixture.config(tmp.resolve("data"), 1, "sleep 60", processExtra, agonesExtra);
    }

    private static Config agones(String hocon) {
        return ConfigFactory.parseString(hocon)
                .withFallback(ConfigFactory.parseResources("reference.conf").getConfig("gateway.agones"))
                .resolve();
    }

    private void assertStartFails(String config, String message) {
        assertThatThrownBy(
                        () -> Gateway.start(ConfigFactory.parseString(config)).close())
                .isInstanceOf(com.typesafe.config.ConfigException.class)
                .hasMessage(message)
                .extracting(Throwable::getMessage)
                .asString()
                .doesNotContain("\n");
    }

    @Test
    void aProcessThatIsNotDeclaredFailsTheStart() {
        assertStartFails(
                config("", "process = lobby"),
                "gateway.agones.process: names no declared process: lobby (declare it in gateway.processes;"
                        + " declared: game) (line 10)");
    }

    @Test
    void aRegexThatDoesNotCompileFailsTheStart() {
        assertStartFails(
                config("", "ready-pattern = \"Done (\""),
                "gateway.agones.ready-pattern: not a valid regular expression: Unclosed group near index 6 (line 10)");
    }

    @Test
    void aPlayersPatternWithoutAPlayerGroupFailsTheStart() {
        assertStartFails(
                config(
                        "",
                        "players { list = players, join = \"(\\\\w+) joined\", leave = \"(?<player>\\\\w+) left\" }"),
                "gateway.agones.players.join: needs a named group (?<player>...), got (\\w+) joined (line 10)");
    }

    @Test
    void aLabelPatternWithoutAValueGroupFailsTheStart() {
        assertStartFails(
                config("", "labels { map = \"Loading map (\\\\S+)\" }"),
                "gateway.agones.labels.map: needs a named group (?<value>...), got Loading map (\\S+) (line 10)");
    }

    @Test
    void anUnknownKeyFailsTheStart() {
        assertStartFails(config("", "helth-interval = 1s"), "gateway.agones.helth-interval: unknown key (line 10)");
    }

    @Test
    void autoIsOnExactlyWhenAgonesSetItsPortVariable() {
        Map<String, ProcessSettings> none = Map.of();
        Config auto = agones("process = game");
        assertThat(AgonesSettings.fromConfig(auto, none, name -> null).enabled())
                .isFalse();
        // on, so the declared process is checked
        assertThatThrownBy(() -> AgonesSettings.fromConfig(auto, none, name -> "9358"))
                .hasMessageStartingWith("gateway.agones.process: names no declared process: game");
        assertThat(AgonesSettings.fromConfig(agones("enabled = false"), none, name -> "9358")
                        .enabled())
                .isFalse();
    }

    @Test
    void theDefaultsFollowTheSpecAndTheProcessesOwnReadyPatternAndStartSeconds() {
        String hocon = config("ready-pattern = \"^Listening\", start-seconds = 3s", "");
        hocon = hocon.replace("ready-pattern = \"Done \\\\(\"", "");
        try (Gateway g = Gateway.start(ConfigFactory.parseString(hocon))) {
            ProcessSettings game = g.settings().processes().get("game");
            AgonesSettings s = AgonesSettings.fromConfig(agones("enabled = true"), Map.of("game", game), n -> null);
            assertThat(s.process()).isEqualTo("game");
            assertThat(s.sdk().getPort()).isEqualTo(9358);
            assertThat(s.sdk().getHostString()).isEqualTo("127.0.0.1");
            assertThat(s.readyPattern().pattern()).isEqualTo("^Listening");
            assertThat(s.startSeconds()).isEqualTo(Duration.ofSeconds(3));
            assertThat(s.healthInterval()).isEqualTo(Duration.ofSeconds(5));
            assertThat(s.shutdownOnExit()).isTrue();
            assertThat(s.players()).isNull();
            assertThat(s.labels()).isEmpty();
        }
    }
}
