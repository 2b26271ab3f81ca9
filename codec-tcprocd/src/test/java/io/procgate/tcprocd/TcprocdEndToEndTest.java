package io.procgate.tcprocd;

import static io.procgate.tcprocd.TcprocdWire.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tcprocd protocol end to end: a real gateway, real children, a plain socket client, over TCP
 * and over a unix socket.
 */
class TcprocdEndToEndTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path dir;

    static TestGateway gateway;

    @BeforeAll
    static void startGateway() {
        gateway = TestGateway.start(dir);
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    private static String start(WireClient client, String name, String commandLine, String path) {
        client.send(TcprocdWire.start(name, commandLine, path));
        return client.readStatus();
    }

    private static String cat(WireClient client, String name, long from) {
        client.send(TcprocdWire.cat(name, from));
        assertThat(client.readStatus()).isEqualTo("OK");
        return client.readData();
    }

    private static List<String> list(WireClient client) {
        client.send(TcprocdWire.list());
        assertThat(client.readStatus()).isEqualTo("OK");
        String data = client.readData();
        return data.isEmpty() ? List.of() : List.of(data.split("\n", -1)).subList(0, data.split("\n", -1).length - 1);
    }

    private static String status(WireClient client, byte[] request) {
        client.send(request);
        return client.readStatus();
    }

    /** A directory whose absolute path has exactly 24 bytes, like the manual's /home/minecraft/myserver. */
    private static Path directoryOf24Bytes() throws IOException {
        String random = UUID.randomUUID().toString().replace("-", "").substring(0, 7);
        Path path = Path.of("/tmp/tcprocd-e2e-" + random);
        assertThat(path.toString()).hasSize(24);
        return Files.createDirectories(path);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theManualsStartExampleThenEveryCommand(Transport transport) throws IOException {
        // 8-byte names, a 48-byte command line and a 24-byte path: 05start08myserver048...024/...
        String name = transport == Transport.TCP ? "myserver" : "unixserv";
        Path home = directoryOf24Bytes();
        try {
            Path script = Scripts.write(home, "s.sh", Scripts.SERVER);
            String commandLine = "sh " + script + " -server "
                    + "n".repeat(48 - 12 - script.toString().length());
            assertThat(commandLine).hasSize(48);
            byte[] request = TcprocdWire.start(name, commandLine, home.toString());
            assertThat(new String(request, StandardCharsets.US_ASCII))
                    .startsWith("05start08" + name + "048sh /tmp/tcprocd-e2e-")
                    .endsWith("024" + home);

            try (WireClient client = transport.login(gateway)) {
                assertThat(status(client, request)).isEqualTo("OK");
                assertThat(status(client, request)).isEqualTo("EXISTS");
                assertThat(list(client)).contains(name);

                await().until(() -> cat(client, name, 0).endsWith("ready\n"));
                // The manual's cat bytes: start_line 0 is "10", 120 is "3120".
                client.send("03cat08" + name + "10");
                assertThat(client.readStatus()).isEqualTo("OK");
                String all = client.readData();
                assertThat(all.split("\n"))
                        .hasSize(153)
                        .startsWith(
                                "args: -server "
                                        + "n".repeat(48 - 12 - script.toString().length()),
                                "cwd: " + home);
                client.send("03cat08" + name + "3120");
                assertThat(client.readStatus()).isEqualTo("OK");
                assertThat(client.readData()).startsWith("line 118\nline 119\n").endsWith("line 149\nready\n");
                // Past the end: OK with empty data; nine digits are the most a start_line has.
                client.send("03cat08" + name + "9999999999");
                assertThat(client.readStatus()).isEqualTo("OK");
                assertThat(client.readData()).isEmpty();

                assertThat(status(client, TcprocdWire.command(name, "kick r4lph")))
                        .isEqualTo("OK");
                await().until(() -> cat(client, name, 153).equals("got kick r4lph\n"));

                assertThat(status(client, TcprocdWire.kill(name))).isEqualTo("OK");
                await().until(() -> !list(client).contains(name));
                assertThat(status(client, TcprocdWire.kill(name))).isEqualTo("OFFLINE");
                assertThat(status(client, TcprocdWire.command(name, "x"))).isEqualTo("OFFLINE");
                assertThat(status(client, TcprocdWire.attach(name))).isEqualTo("OFFLINE");
                // An exited process can still be read.
                assertThat(cat(client, name, 150)).isEqualTo("line 148\nline 149\nready\ngot kick r4lph\n");

                // Started again: its history goes on, its line numbers keep counting.
                assertThat(status(client, request)).isEqualTo("OK");
                await().until(() -> cat(client, name, 154).contains("ready\n"));
                assertThat(cat(client, name, 154)).startsWith("args: ");
                assertThat(status(client, TcprocdWire.kill(name))).isEqualTo("OK");
            }
        } finally {
            Files.walk(home)
                    .sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aNameNeverKnownIsOfflineAndTheConnectionGoesOn(Transport transport) {
        String name = uniqueName("never");
        try (WireClient client = transport.login(gateway)) {
            client.send(TcprocdWire.cat(name, 0));
            assertThat(client.readStatus()).isEqualTo("OFFLINE");
            assertThat(status(client, TcprocdWire.kill(name))).isEqualTo("OFFLINE");
            assertThat(status(client, TcprocdWire.command(name, "hi"))).isEqualTo("OFFLINE");
            // A refused attach goes on with requests, even those sent along with it.
            client.send(concat(TcprocdWire.attach(name), TcprocdWire.list(), TcprocdWire.kill(name)));
            assertThat(client.readStatus()).isEqualTo("OFFLINE");
            assertThat(client.readStatus()).isEqualTo("OK");
            client.readData();
            assertThat(client.readStatus()).isEqualTo("OFFLINE");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aCommandThatCannotRunIsUnknown(Transport transport) {
        try (WireClient client = transport.login(gateway)) {
            assertThat(start(client, uniqueName("missing"), "/nonexistent/program arg", ""))
                    .isEqualTo("UNKNOWN");
            assertThat(start(client, uniqueName("badpath"), "true", "/nonexistent/dir"))
                    .isEqualTo("UNKNOWN");
            assertThat(status(client, TcprocdWire.list())).isEqualTo("OK");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void attachStreamsBothWaysAndEndsWhenTheProcessExits(Transport transport) {
        String name = uniqueName("attach");
        Path script = Scripts.write(dir, name + ".sh", Scripts.ECHO);
        try (WireClient control = transport.login(gateway);
                WireClient attached = transport.login(gateway)) {
            assertThat(start(control, name, "sh " + script, "")).isEqualTo("OK");
            // Lines sent along with the attach are already for the process.
            attached.send(concat(TcprocdWire.attach(name), "early\n".getBytes(StandardCharsets.US_ASCII)));
            assertThat(attached.readStatus()).isEqualTo("OK");
            assertThat(attached.readLine()).isEqualTo("got early");
            attached.send("hello\r\nworld\n");
            assertThat(attached.readLine()).isEqualTo("got hello");
            assertThat(attached.readLine()).isEqualTo("got world");
            // Output caused by others reaches the attached client too.
            assertThat(status(control, TcprocdWire.command(name, "from control")))
                    .isEqualTo("OK");
            assertThat(attached.readLine()).isEqualTo("got from control");
            // The process exits: the server sends what is left and closes.
            attached.send("last\nquit\n");
            assertThat(attached.readToEnd()).isEqualTo("got last\n");
            assertThat(cat(control, name, 0))
                    .isEqualTo("got early\ngot hello\ngot world\ngot from control\ngot last\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void wrongPasswordIsAuthenticationErrorThenClose(Transport transport) {
        try (WireClient client = transport.connect(gateway)) {
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
            client.send(transport.credentials("wrong"));
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_ERROR");
            client.assertClosed();
        }
    }

    @Test
    void unknownUserOverTcpIsAuthenticationError() {
        try (WireClient client = WireClient.connect(gateway.tcp())) {
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
            client.send(TcprocdWire.credentials("mallory", "x"));
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_ERROR");
            client.assertClosed();
        }
    }

    @Test
    void theManualsCredentialsShape() {
        // 06knoppo21myultrasecretpassword: a 6-byte user and a 21-byte password are framed as written.
        assertThat(new String(TcprocdWire.credentials("knoppo", "myultrasecretpassword"), StandardCharsets.US_ASCII))
                .isEqualTo("06knoppo21myultrasecretpassword");
        try (WireClient client = WireClient.connect(gateway.tcp())) {
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
            client.send("05alice08alice-pw");
            assertThat(client.readStatus()).isEqualTo("OK");
        }
    }

    @Test
    void requestsSentWithTheCredentialsAreAnsweredAfterOk() {
        try (WireClient client = WireClient.connect(gateway.tcp())) {
            client.send(concat(
                    TcprocdWire.credentials(TestGateway.BOB, "bob-pw"),
                    "\r\n".getBytes(StandardCharsets.US_ASCII),
                    TcprocdWire.list(),
                    TcprocdWire.kill("nothing-here")));
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
            assertThat(client.readStatus()).isEqualTo("OK");
            assertThat(client.readStatus()).isEqualTo("OK");
            client.readData();
            assertThat(client.readStatus()).isEqualTo("OFFLINE");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClientThatSendsEverythingAndShutsItsSideIsAnsweredThenClosed(Transport transport) {
        String name = uniqueName("halfclose");
        try (WireClient client = transport.connect(gateway)) {
            // Like printf '...' | nc -N: credentials and requests in one go, then end of input.
            client.send(concat(
                    transport.credentials(TestGateway.password(transport.user())),
                    TcprocdWire.start(name, "echo hi", ""),
                    TcprocdWire.list(),
                    TcprocdWire.kill(name + "-none")));
            client.shutdownOutput();
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
            assertThat(client.readStatus()).isEqualTo("OK");
            assertThat(client.readStatus()).isEqualTo("OK");
            assertThat(client.readStatus()).isEqualTo("OK");
            client.readData();
            assertThat(client.readStatus()).isEqualTo("OFFLINE");
            client.assertClosed();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anAttachedClientThatShutsItsSideIsDetached(Transport transport) {
        String name = uniqueName("detach");
        try (WireClient control = transport.login(gateway);
                WireClient attached = transport.login(gateway)) {
            assertThat(start(control, name, "sh " + Scripts.write(dir, name + ".sh", Scripts.ECHO), ""))
                    .isEqualTo("OK");
            attached.send(TcprocdWire.attach(name));
            assertThat(attached.readStatus()).isEqualTo("OK");
            attached.send("bye\n").shutdownOutput();
            assertThat(attached.readToEnd()).isIn("", "got bye\n");
            // The process goes on.
            assertThat(list(control)).contains(name);
            assertThat(status(control, TcprocdWire.kill(name))).isEqualTo("OK");
        }
    }

    @Test
    void nothingButCredentialsIsReadBeforeOk() {
        try (WireClient client = WireClient.connect(gateway.tcp())) {
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
            // Requests before OK are credentials: user "list", password "list".
            client.send("04list04list");
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_ERROR");
            client.assertClosed();
        }
    }

    @Test
    void aUserSeesAndActsOnlyOnItsOwnProcessesAnAdminOnAll() {
        String name = uniqueName("alices");
        try (WireClient alice = gateway.tcpLogin(TestGateway.ALICE);
                WireClient bob = gateway.tcpLogin(TestGateway.BOB);
                WireClient root = Transport.UNIX.login(gateway);
                WireClient admin = gateway.tcpLogin(TestGateway.ADMIN)) {
            assertThat(start(alice, name, "sh " + Scripts.write(dir, name + ".sh", Scripts.ECHO), ""))
                    .isEqualTo("OK");
            assertThat(list(alice)).contains(name);
            for (WireClient other : List.of(bob, root)) {
                assertThat(list(other)).doesNotContain(name);
                assertThat(status(other, TcprocdWire.cat(name, 0))).isEqualTo("PERMISSION_DENIED");
                assertThat(status(other, TcprocdWire.command(name, "hi"))).isEqualTo("PERMISSION_DENIED");
                assertThat(status(other, TcprocdWire.attach(name))).isEqualTo("PERMISSION_DENIED");
                assertThat(status(other, TcprocdWire.kill(name))).isEqualTo("PERMISSION_DENIED");
                // One namespace: the name is taken while it runs.
                assertThat(start(other, name, "true", "")).isEqualTo("EXISTS");
            }
            assertThat(list(admin)).contains(name);
            assertThat(status(admin, TcprocdWire.command(name, "from admin"))).isEqualTo("OK");
            await().until(() -> cat(admin, name, 0).equals("got from admin\n"));
            assertThat(status(admin, TcprocdWire.kill(name))).isEqualTo("OK");
            await().until(() -> !list(alice).contains(name));
            // Exited, it is still alice's: bob may neither read nor restart it.
            assertThat(status(bob, TcprocdWire.cat(name, 0))).isEqualTo("PERMISSION_DENIED");
            assertThat(start(bob, name, "true", "")).isEqualTo("PERMISSION_DENIED");
        }
    }

    @Test
    void anUnparseableCommandLineIsErrorAndTheConnectionGoesOn() {
        try (WireClient client = gateway.tcpLogin(TestGateway.ALICE)) {
            assertThat(start(client, uniqueName("quote"), "sh -c 'unterminated", ""))
                    .isEqualTo("ERROR");
            assertThat(status(client, TcprocdWire.list())).isEqualTo("OK");
        }
    }

    @Test
    void idleClientsAreServedIndependently() {
        try (WireClient slow = WireClient.connect(gateway.tcp());
                WireClient partial = gateway.tcpLogin(TestGateway.ALICE)) {
            partial.send("05start08myserv");
            slow.readStatus();
            try (WireClient other = gateway.tcpLogin(TestGateway.BOB)) {
                assertThat(status(other, TcprocdWire.list())).isEqualTo("OK");
            }
            partial.assertSilent(Duration.ofMillis(200));
        }
    }
}
