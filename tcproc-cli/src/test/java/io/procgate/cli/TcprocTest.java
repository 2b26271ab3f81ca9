package io.procgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.unix.DomainSocketAddress;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tcproc} client's main against a real gateway, over TCP and a unix socket. */
class TcprocTest {
    @TempDir
    static Path dir;

    static Gateway gateway;
    static String port;
    static String socket;

    @BeforeAll
    static void startGateway() {
        gateway = Gateway.start(GatewayConfig.parse("gateway {\n"
                + "  data-dir = \"" + dir.resolve("data") + "\"\n"
                + "  shutdown-timeout = 5s\n"
                + "  http.enabled = false\n"
                + "  allow-root-children = true\n"
                + "  users { alice { password = \"alice-pw\" }, root { password = \"root-pw\" } }\n"
                + "  history { retention = 8 KiB, segment-size = 4 KiB }\n"
                + "  processes.declared { command = \"echo declared run\", owner = alice }\n"
                + "  tcprocd { max-response = 1 KiB\n"
                + "    listeners = [{ host = \"127.0.0.1\", port = 0 }, { socket = \"" + dir.resolve("t.sock")
                + "\" }] }\n"
                + "}\n"));
        port = Integer.toString(
                ((InetSocketAddress) gateway.boundAddresses("tcprocd").get(0)).getPort());
        socket = ((DomainSocketAddress) gateway.boundAddresses("tcprocd").get(1)).path();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    /** One run of the client: its exit status and what it printed. */
    record Run(int exit, String out, String err) {}

    private static Run tcproc(Map<String, String> env, InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Tcproc.run(
                new Tcproc.Io(
                        stdin,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        env,
                        () -> null),
                args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run alice(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "-P";
        all[1] = port;
        all[2] = "-u";
        all[3] = "alice";
        System.arraycopy(args, 0, all, 4, args.length);
        return tcproc(Map.of("TCPROC_PASSWORD", "alice-pw"), InputStream.nullInputStream(), all);
    }

    private static Path script(String name, String body) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, body);
        return script;
    }

    @Test
    void everyCommandOverTcp() throws IOException {
        Path script = script(
                "server.sh",
                "i=0; while [ $i -lt 100 ]; do echo \"line $i .................................\"; i=$((i+1)); done\n"
                        + "while read -r l; do echo \"got $l\"; done\n");
        assertThat(alice("start", "srv", "sh " + script, dir.toString()).exit()).isZero();
        assertThat(alice("start", "srv", "sh " + script)).isEqualTo(new Run(1, "", "tcproc: EXISTS\n"));
        assertThat(alice("list")).isEqualTo(new Run(0, "srv\n", ""));
        await().until(() -> alice("cat", "srv", "99").out().startsWith("line 99 "));
        // 100 lines of 40 bytes take four 1 KiB answers: cat reads on to the end.
        Run cat = alice("cat", "srv");
        assertThat(cat.exit()).isZero();
        assertThat(cat.out().split("\n")).hasSize(100).startsWith("line 0 .................................");
        assertThat(alice("cat", "srv", "98").out()).startsWith("line 98 ").contains("\nline 99 ");
        assertThat(alice("command", "srv", "kick r4lph")).isEqualTo(new Run(0, "", ""));
        await().until(() -> alice("cat", "srv", "100").out().equals("got kick r4lph\n"));
        assertThat(alice("kill", "srv")).isEqualTo(new Run(0, "", ""));
        await().until(() -> alice("list").out().isEmpty());
        assertThat(alice("kill", "srv")).isEqualTo(new Run(1, "", "tcproc: OFFLINE\n"));
        assertThat(alice("cat", "nothing")).isEqualTo(new Run(1, "", "tcproc: OFFLINE\n"));
    }

    @Test
    void catReadsOnPastLinesThatRetentionDropped() throws IOException {
        Path script = script(
                "big.sh",
                "i=1000; while [ $i -lt 2000 ]; do echo \"line $i .............................\"; i=$((i+1)); done\n");
        assertThat(alice("start", "big", "sh " + script).exit()).isZero();
        await().until(() -> !alice("list").out().contains("big\n"));
        Run cat = alice("cat", "big");
        assertThat(cat.exit()).isZero();
        String[] lines = cat.out().split("\n");
        java.util.regex.Matcher notice = java.util.regex.Pattern.compile(
                        "\\[gateway] missed (\\d+) lines, next is line (\\d+)")
                .matcher(lines[0]);
        assertThat(notice.matches()).as(lines[0]).isTrue();
        int next = Integer.parseInt(notice.group(2));
        // Everything from line L to the end, over several capped answers.
        assertThat(lines).hasSize(1 + 1000 - next);
        assertThat(lines[1]).startsWith("line " + (1000 + next) + " ");
        assertThat(lines[lines.length - 1]).startsWith("line 1999 ");
    }

    @Test
    void attachSendsInputAndEndsWithTheProcess() throws IOException {
        Path script = script("echo.sh", "while read -r l; do [ \"$l\" = quit ] && exit 0; echo \"got $l\"; done\n");
        assertThat(alice("start", "echoer", "sh " + script).exit()).isZero();
        Map<String, String> env = Map.of("TCPROC_PASSWORD", "alice-pw");
        Run run = tcproc(
                env,
                new ByteArrayInputStream("hello\nworld\nquit\n".getBytes(StandardCharsets.UTF_8)),
                "-P",
                port,
                "-u",
                "alice",
                "attach",
                "echoer");
        assertThat(run).isEqualTo(new Run(0, "got hello\ngot world\n", ""));
    }

    @Test
    void overAUnixSocketThePasswordIsAskedOnlyWhenNeeded() {
        Map<String, String> env = new HashMap<>();
        env.put("TCPROC_PASSWORD", "root-pw");
        Run run = tcproc(env, InputStream.nullInputStream(), "-s", socket, "start", "unixjob", "echo from unix");
        assertThat(run).isEqualTo(new Run(0, "", ""));
        await().until(() -> tcproc(env, InputStream.nullInputStream(), "-s", socket, "cat", "unixjob")
                .out()
                .equals("from unix\n"));
        // alice does not see root's process.
        assertThat(alice("cat", "unixjob")).isEqualTo(new Run(1, "", "tcproc: PERMISSION_DENIED\n"));
    }

    @Test
    void aWrongOrMissingPasswordFails() {
        Run wrong = tcproc(
                Map.of("TCPROC_PASSWORD", "nope"), InputStream.nullInputStream(), "-P", port, "-u", "alice", "list");
        assertThat(wrong).isEqualTo(new Run(1, "", "tcproc: AUTHENTICATION_ERROR\n"));
        Run none = tcproc(Map.of(), InputStream.nullInputStream(), "-P", port, "-u", "alice", "list");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("TCPROC_PASSWORD");
    }

    @Test
    void startWithoutACommandStartsADeclaredProcessAndExplainsOtherwise() {
        assertThat(alice("start", "declared").exit()).isZero();
        await().until(() -> alice("cat", "declared").out().equals("declared run\n"));

        Run undeclared = alice("start", "undeclared");
        assertThat(undeclared.exit()).isEqualTo(Tcproc.EXIT_STATUS);
        assertThat(undeclared.err())
                .isEqualTo(
                        "tcproc: ERROR: undeclared is not declared in the gateway's configuration: give a COMMAND\n");
    }

    @Test
    void usageAndUnreachableGateway() {
        assertThat(tcproc(Map.of(), InputStream.nullInputStream()).exit()).isEqualTo(Tcproc.EXIT_USAGE);
        assertThat(tcproc(Map.of(), InputStream.nullInputStream(), "start").exit())
                .isEqualTo(Tcproc.EXIT_USAGE);
        Run down = tcproc(
                Map.of(),
                InputStream.nullInputStream(),
                "-s",
                dir.resolve("none.sock").toString(),
                "list");
        assertThat(down.exit()).isEqualTo(Tcproc.EXIT_UNREACHABLE);
        assertThat(down.err()).startsWith("tcproc: " + dir.resolve("none.sock"));
        Run tooLong = alice("kill", "x".repeat(100));
        assertThat(tooLong.exit()).isEqualTo(Tcproc.EXIT_USAGE);
    }
}
