package io.procgate.tcpr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.procgate.core.auth.Authenticator;
import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.auth.PasswordHasher;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.net.BindAddress;
import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.spi.ProtocolPlugin;
import io.procgate.host.ProcessHost;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class TcprPluginTest {
    private final FakeHost host = new FakeHost();

    private List<ListenerDefinition> listeners(String hocon) {
        Config gateway = ConfigFactory.parseString(hocon)
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
        Config tcpr = gateway.getConfig("gateway.tcpr");
        return new TcprPlugin(Clock.systemUTC(), Runnable::run).listeners(context(tcpr));
    }

    private PluginContext context(Config tcpr) {
        FakeAuth.Throttle throttle = new FakeAuth.Throttle();
        return new PluginContext() {
            @Override
            public Config config() {
                return tcpr;
            }

            @Override
            public ProcessControl processes() {
                return null;
            }

            @Override
            public ProcessHost host() {
                return host;
            }

            @Override
            public Authenticator authenticator() {
                return null;
            }

            @Override
            public LoginThrottle loginThrottle() {
                return throttle;
            }

            @Override
            public PasswordHasher passwordHasher() {
                return FakeAuth.HASHER;
            }

            @Override
            public EventLoopGroup workerGroup() {
                return null;
            }
        };
    }

    private static TcprListenerSettings settings(String entry) {
        return TcprListenerSettings.parse(
                ConfigFactory.parseString(entry), "gateway.tcpr.listeners[0]", FakeAuth.HASHER);
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(ProtocolPlugin.class).stream()
                        .map(p -> p.get().name()))
                .contains("tcpr");
    }

    @Test
    void referenceConfHasNoListeners() {
        assertThat(listeners("")).isEmpty();
    }

    @Test
    void defaultsFollowKag() {
        TcprListenerSettings s = settings("process = kag, password-hash = \"fake:pw\"");
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(50301);
        assertThat(s.timestamps()).isTrue();
        assertThat(s.maxClients()).isEqualTo(64);
        assertThat(s.authTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.clientBufferBytes()).isEqualTo(1 << 20);
        assertThat(s.password().isPlainText()).isFalse();
        assertThat(s.password().matches("pw".getBytes())).isTrue();
    }

    @Test
    void everyKeyIsRead() {
        TcprListenerSettings s =
                settings("host = \"::1\", port = 0, process = mc, password = plain, timestamps = false,"
                        + " max-clients = 3, auth-timeout = 500ms, client-buffer = 64KiB");
        assertThat(s.bindAddress()).isEqualTo(new BindAddress.Tcp("::1", 0));
        assertThat(s.process()).isEqualTo("mc");
        assertThat(s.password().isPlainText()).isTrue();
        assertThat(s.timestamps()).isFalse();
        assertThat(s.maxClients()).isEqualTo(3);
        assertThat(s.authTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.clientBufferBytes()).isEqualTo(65536);
    }

    @Test
    void oneDefinitionPerListenerSubscribingOnlyAtTheFirstConnection() {
        List<ListenerDefinition> defs = listeners("gateway.tcpr.listeners = ["
                + "{ port = 0, process = a, password = x },"
                + "{ port = 0, process = b, password-hash = \"fake:y\" },"
                + "{ port = 0, process = a, password = z }]");
        assertThat(defs).hasSize(3).allSatisfy(d -> assertThat(d.protocol()).isEqualTo("tcpr"));
        // the gateway opens its host after building the listeners
        assertThat(host.subscribers).isEmpty();
        EmbeddedChannel ch = new EmbeddedChannel(defs.get(1).initializer());
        assertThat(host.subscribers).hasSize(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void unknownKeyIsNamed() {
        assertThatThrownBy(() -> listeners("gateway.tcpr.listeners = [{ process = a, password = x, pasword = y }]"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("gateway.tcpr.listeners[0].pasword");
        assertThatThrownBy(() -> listeners("gateway.tcpr.listners = []"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.tcpr.listners");
    }

    @Test
    void wrongTypesAreNamed() {
        assertThatThrownBy(() -> settings("process = a, password = x, port = eighty"))
                .hasMessageContaining("gateway.tcpr.listeners[0].port");
        assertThatThrownBy(() -> settings("process = a, password = x, port = 70000"))
                .hasMessageContaining("gateway.tcpr.listeners[0].port")
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> settings("process = a, password = x, timestamps = often"))
                .hasMessageContaining("gateway.tcpr.listeners[0].timestamps");
        assertThatThrownBy(() -> settings("process = a, password = x, max-clients = 0"))
                .hasMessageContaining("gateway.tcpr.listeners[0].max-clients");
        assertThatThrownBy(() -> settings("process = a, password = x, auth-timeout = soon"))
                .hasMessageContaining("gateway.tcpr.listeners[0].auth-timeout");
        assertThatThrownBy(() -> settings("process = [a], password = x"))
                .hasMessageContaining("gateway.tcpr.listeners[0].process");
        assertThatThrownBy(() -> listeners("gateway.tcpr.listeners = { a = 1 }"))
                .hasMessageContaining("gateway.tcpr.listeners");
        assertThatThrownBy(() -> listeners("gateway.tcpr.listeners = [ 5 ]"))
                .hasMessageContaining("gateway.tcpr.listeners[0]");
    }

    @Test
    void missingProcessOrPasswordIsNamed() {
        assertThatThrownBy(() -> settings("password = x"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("gateway.tcpr.listeners[0].process");
        assertThatThrownBy(() -> settings("process = a"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("gateway.tcpr.listeners[0].password");
        assertThatThrownBy(() -> settings("process = a, password = \"\"")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> settings("process = a, password = x, password-hash = \"fake:x\""))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> settings("process = a, password-hash = \"md5:x\""))
                .hasMessageContaining("gateway.tcpr.listeners[0].password-hash");
        assertThatThrownBy(() -> settings("process = \"no spaces\", password = x"))
                .hasMessageContaining("not a valid process name");
    }
}
