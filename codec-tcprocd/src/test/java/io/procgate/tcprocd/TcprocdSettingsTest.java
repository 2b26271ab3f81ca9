package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.procgate.core.net.BindAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TcprocdSettingsTest {

    private static TcprocdSettings parse(String hocon) {
        Config config = ConfigFactory.parseString(hocon)
                .withFallback(ConfigFactory.defaultReferenceUnresolved())
                .resolve();
        return TcprocdSettings.from(config.getConfig("gateway.tcprocd"));
    }

    @Test
    void defaults() {
        TcprocdSettings settings = parse("");
        assertThat(settings.maxResponse()).isEqualTo(64L * 1024 * 1024);
        assertThat(settings.attachBuffer()).isEqualTo(1024L * 1024);
        assertThat(settings.listeners())
                .containsExactly(
                        new TcprocdListenerSettings(new BindAddress.Tcp("127.0.0.1", 20103), Duration.ofSeconds(10)),
                        new TcprocdListenerSettings(
                                new BindAddress.Unix(Path.of("data/tcprocd.sock"), 0600, false),
                                Duration.ofSeconds(10),
                                null,
                                true));
    }

    @Test
    void theDefaultSocketLivesInTheDataDirectoryTheUserSets() {
        TcprocdSettings settings = parse("gateway.data-dir = \"/var/lib/procgate\"");
        assertThat(settings.listeners().get(1).address())
                .isEqualTo(new BindAddress.Unix(Path.of("/var/lib/procgate/tcprocd.sock"), 0600, false));
        assertThat(settings.listeners().get(1).gatewayUidAdmin()).isTrue();
    }

    @Test
    void gatewayUidAdminIsOffUnlessSet() {
        TcprocdSettings settings = parse("gateway.tcprocd.listeners = ["
                + "{ socket = \"/run/a.sock\", gateway-uid-admin = true }, { socket = \"/run/b.sock\" } ]");
        assertThat(settings.listeners().get(0).gatewayUidAdmin()).isTrue();
        assertThat(settings.listeners().get(1).gatewayUidAdmin()).isFalse();
    }

    @Test
    void tcpAndUnixListeners() {
        TcprocdSettings settings = parse("gateway.tcprocd.listeners = ["
                + "{ host = \"0.0.0.0\", port = 1234, auth-timeout = 3s },"
                + "{ socket = \"/run/t.sock\", mode = \"0600\", allow-unknown-users = true },"
                + "{ socket = \"/run/u.sock\" } ]\n"
                + "gateway.tcprocd.max-response = 1 MiB");
        assertThat(settings.maxResponse()).isEqualTo(1024 * 1024);
        assertThat(settings.listeners())
                .containsExactly(
                        new TcprocdListenerSettings(new BindAddress.Tcp("0.0.0.0", 1234), Duration.ofSeconds(3)),
                        new TcprocdListenerSettings(
                                new BindAddress.Unix(Path.of("/run/t.sock"), 0600, true), Duration.ofSeconds(10)),
                        new TcprocdListenerSettings(
                                new BindAddress.Unix(Path.of("/run/u.sock"), 0660, false), Duration.ofSeconds(10)));
        assertThat(settings.listeners().get(1).allowUnknownUsers()).isTrue();
        assertThat(settings.listeners().get(0).isUnix()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "gateway.tcprocd.colour = red | 'gateway.tcprocd.colour': unknown key",
                "gateway.tcprocd.listeners = [{ host = \"h\", prot = 1 }] | 'gateway.tcprocd.listeners[0].prot': unknown key",
                "gateway.tcprocd.listeners = [{ socket = \"/s\", port = 1 }] | 'gateway.tcprocd.listeners[0].port': unknown key",
                "gateway.tcprocd.listeners = [{ port = \"many\" }] | 'gateway.tcprocd.listeners[0].port': must be a number",
                "gateway.tcprocd.listeners = [{ port = 70000 }] | must be a number 0-65535, not 70000",
                "gateway.tcprocd.listeners = [{ socket = \"/s\", mode = 660 }] | must be a quoted octal string",
                "gateway.tcprocd.listeners = [{ socket = \"/s\", mode = \"0999\" }] | must be an octal file mode",
                "gateway.tcprocd.listeners = [{ socket = \"/s\", allow-unknown-users = maybe }] | must be true or false",
                "gateway.tcprocd.listeners = [{ socket = \"/s\", gateway-uid-admin = yes-please }] | must be true or false",
                "gateway.tcprocd.listeners = [{ port = 1, gateway-uid-admin = true }] | 'gateway.tcprocd.listeners[0].gateway-uid-admin': unknown key",
                "gateway.tcprocd.listeners = [{ port = 1, auth-timeout = soon }] | must be a duration",
                "gateway.tcprocd.listeners = [{ port = 1, auth-timeout = 0s }] | must be longer than zero",
                "gateway.tcprocd.listeners = [ 5 ] | a listener must be an object",
                "gateway.tcprocd.listeners = { port = 1 } | must be a list of listeners",
                "gateway.tcprocd.max-response = lots | 'gateway.tcprocd.max-response': must be a size",
                "gateway.tcprocd.max-response = 2 GiB | must be between 1024 and 999999999 bytes",
                "gateway.tcprocd.attach-buffer = 10 | 'gateway.tcprocd.attach-buffer': must be between",
            })
    void invalidConfigurationNamesTheKey(String hocon, String message) {
        assertThatThrownBy(() -> parse(hocon))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining(message.trim());
    }
}
