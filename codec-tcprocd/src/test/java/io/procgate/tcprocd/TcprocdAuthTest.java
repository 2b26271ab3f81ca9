package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication rules that need a gateway of their own: throttling, the authentication deadline,
 * unix-socket users without a password and unknown local users, run-as and root children.
 */
class TcprocdAuthTest {
    @TempDir
    Path dir;

    private Gateway start(String users, String listeners, String extra) {
        return Gateway.start(GatewayConfig.parse("gateway {\n"
                + "  data-dir = \"" + dir.resolve("data") + "\"\n"
                + "  shutdown-timeout = 5s\n"
                + "  http.enabled = false\n"
                + "  users { " + users + " }\n"
                + "  tcprocd.listeners = [ " + listeners + " ]\n"
                + extra
                + "}\n"));
    }

    private String socket(String name) {
        return "{ socket = \"" + dir.resolve(name) + "\"";
    }

    @Test
    void afterFiveFailuresAnAddressIsClosedAtOnce() {
        try (Gateway gateway = start("alice { password = \"alice-pw\" }", "{ host = \"127.0.0.1\", port = 0 }", "")) {
            SocketAddress tcp = gateway.boundAddresses("tcprocd").get(0);
            for (int i = 0; i < 5; i++) {
                try (WireClient client = WireClient.connect(tcp)) {
                    assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
                    client.send(TcprocdWire.credentials("alice", "guess" + i));
                    assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_ERROR");
                    client.assertClosed();
                }
            }
            try (WireClient client = WireClient.connect(tcp)) {
                // Not even a greeting.
                client.assertClosed();
            }
        }
    }

    @Test
    void aClientThatDoesNotAuthenticateInTimeIsClosed() {
        try (Gateway gateway = start(
                "alice { password = \"alice-pw\" }, root { password = \"root-pw\" }",
                "{ host = \"127.0.0.1\", port = 0, auth-timeout = 300ms }, " + socket("t.sock")
                        + ", auth-timeout = 300ms }",
                "")) {
            for (SocketAddress address : gateway.boundAddresses("tcprocd")) {
                try (WireClient silent = WireClient.connect(address);
                        WireClient trickle = WireClient.connect(address)) {
                    assertThat(silent.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
                    assertThat(trickle.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
                    trickle.send("0");
                    long start = System.nanoTime();
                    silent.assertClosed();
                    trickle.assertClosed();
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                }
            }
        }
    }

    @Test
    void aUnixSocketUserWithoutPasswordIsInAtOnce() {
        try (Gateway gateway =
                start("root { admin = false }", socket("a.sock") + " }", "allow-root-children = true\n")) {
            try (WireClient client =
                    WireClient.connect(gateway.boundAddresses("tcprocd").get(0))) {
                assertThat(client.readStatus()).isEqualTo("OK");
                client.send(TcprocdWire.list());
                assertThat(client.readStatus()).isEqualTo("OK");
                assertThat(client.readData()).isEmpty();
            }
            // printf '04list' | nc -NU: requests before the OK are not taken for a password.
            try (WireClient client =
                    WireClient.connect(gateway.boundAddresses("tcprocd").get(0))) {
                client.send(TcprocdWire.concat(TcprocdWire.list(), TcprocdWire.kill("none")))
                        .shutdownOutput();
                assertThat(client.readStatus()).isEqualTo("OK");
                assertThat(client.readStatus()).isEqualTo("OK");
                assertThat(client.readData()).isEmpty();
                assertThat(client.readStatus()).isEqualTo("OFFLINE");
                client.assertClosed();
            }
        }
    }

    @Test
    void onAGatewayUidAdminSocketTheGatewaysOwnAccountIsAnAdminWithoutPassword() {
        // The gateway's account is configured with a password and no admin flag: the socket's rule
        // wins, since that account can read the configuration and the gateway's memory anyway.
        String me = System.getProperty("user.name");
        try (Gateway gateway = start(
                "alice { password = \"alice-pw\" }, " + me + " { password = \"my-pw\" }",
                "{ host = \"127.0.0.1\", port = 0 }, " + socket("own.sock") + ", gateway-uid-admin = true }, "
                        + socket("plain.sock") + " }",
                "allow-root-children = true\n")) {
            List<SocketAddress> bound = gateway.boundAddresses("tcprocd");
            try (WireClient alice = WireClient.connect(bound.get(0))) {
                assertThat(alice.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
                alice.send(TcprocdWire.credentials("alice", "alice-pw"));
                assertThat(alice.readStatus()).isEqualTo("OK");
                alice.send(TcprocdWire.start("alices", "sleep 30", ""));
                assertThat(alice.readStatus()).isEqualTo("OK");
            }
            try (WireClient own = WireClient.connect(bound.get(1))) {
                assertThat(own.readStatus()).isEqualTo("OK");
                own.send(TcprocdWire.list());
                assertThat(own.readStatus()).isEqualTo("OK");
                assertThat(own.readData()).isEqualTo("alices\n"); // an admin sees every process
                own.send(TcprocdWire.kill("alices"));
                assertThat(own.readStatus()).isEqualTo("OK");
            }
            // Without the key the same account is what the user table says: asked for its password.
            try (WireClient plain = WireClient.connect(bound.get(2))) {
                assertThat(plain.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
            }
        }
    }

    @Test
    void anUnknownLocalUserIsRefusedUnlessTheListenerAllowsIt() {
        try (Gateway gateway = start(
                "alice { password = \"alice-pw\" }",
                socket("strict.sock") + " }, " + socket("open.sock") + ", allow-unknown-users = true }",
                "allow-root-children = true\n")) {
            List<SocketAddress> bound = gateway.boundAddresses("tcprocd");
            try (WireClient strict = WireClient.connect(bound.get(0))) {
                assertThat(strict.readStatus()).isEqualTo("AUTHENTICATION_ERROR");
                strict.assertClosed();
            }
            try (WireClient open = WireClient.connect(bound.get(1))) {
                assertThat(open.readStatus()).isEqualTo("OK");
                open.send(TcprocdWire.start("local", "echo hi", ""));
                assertThat(open.readStatus()).isEqualTo("OK");
                // A non-admin user of its login's name: it sees its own process.
                assertThat(gateway.host().status("local").orElseThrow().owner()).isEqualTo("root");
            }
        }
    }

    @Test
    void rootChildrenAreRefusedByDefaultAndRunAsApplies() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "the gateway must run as root for this");
        try (Gateway gateway = start(
                "alice { password = \"alice-pw\" }, bob { password = \"bob-pw\", run-as { user = \"nobody\" } }",
                "{ host = \"127.0.0.1\", port = 0 }",
                "")) {
            SocketAddress tcp = gateway.boundAddresses("tcprocd").get(0);
            try (WireClient alice = WireClient.connect(tcp).login("alice", "alice-pw");
                    WireClient bob = WireClient.connect(tcp).login("bob", "bob-pw")) {
                alice.send(TcprocdWire.start("as-root", "id -un", "/tmp"));
                assertThat(alice.readStatus()).isEqualTo("PERMISSION_DENIED");
                bob.send(TcprocdWire.start("as-nobody", "id -un", "/tmp"));
                assertThat(bob.readStatus()).isEqualTo("OK");
                org.awaitility.Awaitility.await().until(() -> {
                    bob.send(TcprocdWire.cat("as-nobody", 0));
                    assertThat(bob.readStatus()).isEqualTo("OK");
                    return bob.readData().equals("nobody\n");
                });
            }
        }
    }
}
