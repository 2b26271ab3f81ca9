package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.procgate.core.config.GatewaySettings;
import io.procgate.core.config.Transport;
import io.procgate.host.RestartPolicy;
import io.procgate.host.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsAreValidAndTyped() {
        Config config = GatewayConfig.load(null);
        GatewaySettings s = GatewayConfig.validate(config);
        assertThat(s.dataDir()).isEqualTo(Path.of("data"));
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.defaultRunAs()).isNull();
        assertThat(s.allowRootChildren()).isFalse();
        assertThat(s.users()).isEmpty();
        assertThat(s.processes()).isEmpty();
        assertThat(s.http().port()).isEqualTo(9100);
        assertThat(s.historyRetention()).isEqualTo(1L << 30);
        assertThat(s.historySegmentSize()).isEqualTo(64L << 20);
        assertThat(s.maxLineLength()).isEqualTo(64 << 10);
        assertThat(s.stdinBuffer()).isEqualTo(1 << 20);
        assertThat(s.transport()).isEqualTo(Transport.AUTO);
        assertThat(config.getList("gateway.dummy.listeners")).isEmpty();
    }

    @Test
    void fileIsLayeredOverDefaults() throws Exception {
        Path file = tmp.resolve("gw.conf");
        Files.writeString(file, "gateway {\n  data-dir = \"/var/x\"\n  shutdown-timeout = 5s\n}\n");
        GatewaySettings s = GatewayConfig.validate(GatewayConfig.load(file));
        assertThat(s.dataDir()).isEqualTo(Path.of("/var/x"));
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.stdinBuffer()).isEqualTo(1 << 20);
    }

    @Test
    void unknownKeyInPluginSectionNamesKeyFileAndLine() throws Exception {
        Path file = tmp.resolve("file.conf");
        Files.writeString(file, "gateway {\n  dummy {\n    listners = []\n  }\n}\n");
        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("gateway.dummy.listners: unknown key (" + file + ":3)");
    }

    @Test
    void unknownTopLevelSectionIsRejected() {
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.tcpx.listeners = []"))
                .hasMessage("gateway.tcpx: unknown key (line 1)");
    }

    @Test
    void unknownCoreKeysAreRejectedAtAnyDepth() {
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.data-dri = x"))
                .hasMessageContaining("gateway.data-dri: unknown key");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.http.hots = x"))
                .hasMessageContaining("gateway.http.hots: unknown key");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.run-as.usr = x"))
                .hasMessageContaining("gateway.run-as.usr: unknown key");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.history.retension = 1 GiB"))
                .hasMessageContaining("gateway.history.retension: unknown key");
    }

    @Test
    void userAndProcessEntriesAreCheckedAgainstTheirKeySets() {
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.users.bob { pasword = x }"))
                .hasMessage("gateway.users.bob.pasword: unknown key (line 1)");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.users.bob { run-as { usr = x } }"))
                .hasMessageContaining("gateway.users.bob.run-as.usr: unknown key");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.processes.mc { command = x, autostrat = true }"))
                .hasMessageContaining("gateway.processes.mc.autostrat: unknown key");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.processes.mc { path = /x }"))
                .hasMessageContaining("gateway.processes.mc.command: missing");
    }

    @Test
    void envIsFreeForm() {
        GatewaySettings s = GatewayConfig.validate(
                GatewayConfig.parse(
                        "gateway.processes.mc { command = \"java -jar s.jar\", env { ANY_KEY = v, N = 3 }, restart = on-failure }"));
        assertThat(s.processes().get("mc").env()).containsEntry("ANY_KEY", "v").containsEntry("N", "3");
        assertThat(s.processes().get("mc").argv()).containsExactly("java", "-jar", "s.jar");
        assertThat(s.processes().get("mc").restart()).isEqualTo(RestartPolicy.ON_FAILURE);
    }

    @Test
    void wrongTypesGiveOneClearLine() {
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.shutdown-timeout = soon"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("gateway.shutdown-timeout: expected a duration such as 10s, got \"soon\" (line 1)");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway {\n allow-root-children = maybe\n}"))
                .hasMessage("gateway.allow-root-children: expected true or false, got \"maybe\" (line 2)");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.http.port = 70000"))
                .hasMessageContaining("gateway.http.port: expected a port 0-65535, got 70000");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.users = [1]"))
                .hasMessageStartingWith("gateway.users: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.dummy.listeners = {}"))
                .hasMessageStartingWith("gateway.dummy.listeners: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.transport = kqueue"))
                .hasMessageContaining("gateway.transport: expected auto, epoll or nio");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.history.segment-size = 10"))
                .hasMessageContaining("gateway.history: history segment size must be at least");
    }

    @Test
    void syntaxErrorIsOneLine() throws Exception {
        Path file = tmp.resolve("broken.conf");
        Files.writeString(file, "gateway {\n data-dir = \n");
        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(io.procgate.core.config.ConfigException.oneLine((ConfigException) e))
                        .contains("broken.conf")
                        .doesNotContain("\n"));
    }

    @Test
    void missingFileIsAClearError() {
        Path missing = tmp.resolve("nope.conf");
        assertThatThrownBy(() -> GatewayConfig.load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cannot read config file " + missing + ": no such file");
    }

    @Test
    void environmentSubstitutionsResolve() {
        String home = System.getenv("HOME");
        GatewaySettings s = GatewayConfig.validate(
                GatewayConfig.parse("gateway.data-dir = ${?HOME}\ngateway.data-dir = ${?PROCGATE_SURELY_UNSET_VAR}"));
        assertThat(s.dataDir()).isEqualTo(Path.of(home));
    }

    @Test
    void usersAreParsed() {
        String hash = new io.procgate.core.auth.Pbkdf2PasswordHasher(1000).hash("pw".toCharArray());
        GatewaySettings s = GatewayConfig.validate(GatewayConfig.parse("gateway.users {\n"
                + " alice { password-hash = \"" + hash + "\", admin = true }\n"
                + " bob { password = plain, run-as { user = nobody, group = nogroup } }\n"
                + " carol {}\n"
                + "}\ngateway.run-as.user = daemon"));
        assertThat(s.users().get("alice").admin()).isTrue();
        assertThat(s.users().get("alice").password().matches("pw".getBytes())).isTrue();
        assertThat(s.users().get("bob").runAs()).isEqualTo(new RunAs("nobody", "nogroup"));
        assertThat(s.users().get("carol").hasPassword()).isFalse();
        assertThat(s.plainTextPasswordUsers()).containsExactly("bob");
        assertThat(s.defaultRunAs()).isEqualTo(RunAs.user("daemon"));
    }

    @Test
    void badUserEntriesAreRejected() {
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.users.a { password-hash = \"md5$x\" }"))
                .hasMessageContaining("gateway.users.a.password-hash: not a pbkdf2-sha256");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.users.a { password = x, password-hash = y }"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.users.a { admin = 3 }"))
                .hasMessageContaining("gateway.users.a.admin: expected true or false");
        assertThatThrownBy(() -> GatewayConfig.parse("gateway.run-as.group = wheel"))
                .hasMessageContaining("gateway.run-as.group: a run-as group needs a run-as user");
    }
}
