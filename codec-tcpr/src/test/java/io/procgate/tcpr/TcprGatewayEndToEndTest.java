package io.procgate.tcpr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.auth.Pbkdf2PasswordHasher;
import org.junit.jupiter.api.Test;

/**
 * The contract against the real gateway ({@link Gateway} started from a configuration, plugin
 * found by ServiceLoader), plus what only the gateway provides: hashed passwords, the shared login
 * throttle, configuration errors at start.
 */
class TcprGatewayEndToEndTest extends TcprEndToEndContract {

    @Override
    TcprServer server(String listeners) {
        return new GatewayTcprServer(dir, listeners, "");
    }

    @Test
    void aHashedPasswordIsAccepted() throws Exception {
        String hash = new Pbkdf2PasswordHasher(Pbkdf2PasswordHasher.MIN_ITERATIONS).hash("s3cret".toCharArray());
        String entry = "{ host = \"127.0.0.1\", port = 0, process = kag, password-hash = \"" + hash + "\" }";
        try (TcprServer s = server("[" + entry + "]")) {
            try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                c.send("s3cret\n");
                assertThat(c.line()).matches(AUTHENTICATED + "\n");
            }
            try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                c.send("secret\n");
                assertThat(c.endsWithoutAByte()).isTrue();
            }
        }
    }

    @Test
    void repeatedFailuresBlockTheAddressEvenWithTheRightPassword() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            for (int i = 0; i < LoginThrottle.FAILURES_BEFORE_BLOCK; i++) {
                try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                    c.send("guess" + i + "\n");
                    assertThat(c.endsWithoutAByte()).isTrue();
                }
            }
            try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                c.send("secret\n");
                assertThat(c.endsWithoutAByte()).isTrue();
            }
        }
    }

    @Test
    void silenceUntilTheAuthTimeoutCloses() throws Exception {
        try (TcprServer s = serve(listener("kag", ", auth-timeout = 300ms"))) {
            try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                c.send("secr");
                long start = System.nanoTime();
                assertThat(c.endsWithoutAByte()).isTrue();
                assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200);
            }
        }
    }

    @Test
    void aBadListenerEntryFailsTheStartNamingTheKey() {
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse("gateway { data-dir = \"" + dir.resolve("data")
                        + "\", http.enabled = false, tcpr.listeners = [{ port = 0, process = kag, pasword = x }] }")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.tcpr.listeners[0].pasword");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse("gateway { data-dir = \"" + dir.resolve("data")
                        + "\", http.enabled = false, tcpr.listeners = [{ port = 0, password = x }] }")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.tcpr.listeners[0].process");
    }
}
