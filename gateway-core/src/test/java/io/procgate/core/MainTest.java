package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import io.procgate.core.auth.Pbkdf2PasswordHasher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line, in process. {@link MainProcessTest} runs it in a child JVM. */
class MainTest {

    private static Main.Options parse(String... args) {
        return Main.parse(args);
    }

    @Test
    void parsesTheManualsFlags() {
        Main.Options o =
                parse("-c", "g.conf", "-H", "0.0.0.0", "-P", "2000", "-s", "/run/a.sock", "--socket=/run/b.sock");
        assertThat(o.config()).isEqualTo(Path.of("g.conf"));
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.port()).isEqualTo(2000);
        assertThat(o.sockets()).containsExactly("/run/a.sock", "/run/b.sock");
        assertThat(parse("--config", "x.conf").config()).isEqualTo(Path.of("x.conf"));
        assertThat(parse("--help")).isNull();
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThatThrownBy(() -> parse("-P", "http")).hasMessageContaining("-P needs a port 0-65535");
        assertThatThrownBy(() -> parse("-P", "70000")).hasMessageContaining("-P needs a port");
        assertThatThrownBy(() -> parse("-c")).hasMessage("-c needs a value");
        assertThatThrownBy(() -> parse("--frobnicate")).hasMessage("unknown option: --frobnicate");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"-x"}, System.in, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(code).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("procgate: unknown option: -x\nusage: ");
    }

    @Test
    void hostAndPortOverrideTheFirstTcpListener() {
        Config base = GatewayConfig.parse(
                "gateway.dummy.listeners = [{ socket = \"/tmp/s\" }, { host = \"127.0.0.1\", port = 1 }, { port = 2 }]");
        Config c = Main.applyOverrides(base, parse("-H", "::1", "-P", "0", "-s", "/tmp/t.sock"), "dummy");
        List<? extends Config> ls = c.getConfigList("gateway.dummy.listeners");
        assertThat(ls).hasSize(4);
        assertThat(ls.get(0).getString("socket")).isEqualTo("/tmp/s");
        assertThat(ls.get(1).getString("host")).isEqualTo("::1");
        assertThat(ls.get(1).getInt("port")).isZero();
        assertThat(ls.get(2).getInt("port")).isEqualTo(2);
        assertThat(ls.get(3).getString("socket")).isEqualTo("/tmp/t.sock");
        GatewayConfig.validate(c);
    }

    @Test
    void portAloneAddsATcpListenerWhenThereIsNone() {
        Config c = Main.applyOverrides(GatewayConfig.parse(""), parse("-P", "5555"), "dummy");
        List<? extends Config> ls = c.getConfigList("gateway.dummy.listeners");
        assertThat(ls).hasSize(1);
        assertThat(ls.get(0).getString("host")).isEqualTo("127.0.0.1");
        assertThat(ls.get(0).getInt("port")).isEqualTo(5555);
    }

    @Test
    void overridesNeedTheProtocol() {
        assertThatThrownBy(() -> Main.applyOverrides(GatewayConfig.parse(""), parse("-P", "1")))
                .hasMessageContaining("this build has no tcprocd protocol");
    }

    @Test
    void hashPasswordPrintsAUsableHash() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"hash-password"},
                new ByteArrayInputStream("s3cret pass\n".getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out),
                new PrintStream(new ByteArrayOutputStream()));
        assertThat(code).isZero();
        String hash = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(hash).startsWith("pbkdf2-sha256$210000$");
        assertThat(new Pbkdf2PasswordHasher().parseHash(hash).matches("s3cret pass".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
    }

    @Test
    void hashPasswordWithoutInputFails() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"hash-password"},
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertThat(code).isEqualTo(Main.EXIT_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: no password given");
    }
}
