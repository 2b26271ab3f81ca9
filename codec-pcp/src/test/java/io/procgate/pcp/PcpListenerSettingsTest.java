package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PcpListenerSettingsTest {

    private static List<PcpListenerSettings> parse(String listeners) {
        return PcpListenerSettings.fromConfig(ConfigFactory.parseString("listeners = " + listeners));
    }

    @Test
    void referenceConfHasNoListeners() {
        assertThat(PcpListenerSettings.fromConfig(ConfigFactory.load().getConfig("gateway.pcp")))
                .isEmpty();
    }

    @Test
    void appliesTheDefaults() {
        assertThat(parse("[{ user = cabinet }]"))
                .containsExactly(
                        new PcpListenerSettings("127.0.0.1", 40100, 0, "cabinet", true, Duration.ofSeconds(10)));
    }

    @Test
    void readsEveryKey() {
        assertThat(parse("[{ host = \"0.0.0.0\", port = 40105, data-port = 40101, user = \"cab\", prompt = false,"
                        + " transfer-timeout = 250ms }]"))
                .containsExactly(
                        new PcpListenerSettings("0.0.0.0", 40105, 40101, "cab", false, Duration.ofMillis(250)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[{ user = a, colour = red }]                 | listeners[0].colour",
                "[{ }]                                         | listeners[0].user",
                "[{ user = a, port = seven }]                  | listeners[0].port",
                "[{ user = a, port = 70000 }]                  | listeners[0].port",
                "[{ user = a, data-port = -1 }]                | listeners[0].data-port",
                "[{ user = a, port = 40100, data-port = 40100 }] | listeners[0].data-port",
                "[{ user = a, prompt = maybe }]                 | listeners[0].prompt",
                "[{ user = a, transfer-timeout = soon }]       | listeners[0].transfer-timeout",
                "[{ user = a, transfer-timeout = 0s }]         | listeners[0].transfer-timeout",
                "[{ user = [a] }]                              | listeners[0].user",
                "[{ user = \"\" }]                             | listeners[0].user",
                "[{ user = a, host = {} }]                     | listeners[0].host",
                "[{ user = a }, 5]                             | listeners[1]",
                "{ user = a }                                  | gateway.pcp.listeners"
            })
    void rejectsABadListenerNamingTheKey(String listeners, String key) {
        assertThatThrownBy(() -> parse(listeners))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining(key);
    }
}
