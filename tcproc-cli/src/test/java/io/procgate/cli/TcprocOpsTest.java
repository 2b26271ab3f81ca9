package io.procgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.core.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tcproc status}, {@code status -l}, {@code list -l} and {@code --tls} against a real gateway. */
class TcprocOpsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static Gateway gateway;
    static TestCertificates certs;
    static String plain;
    static String tls;

    @BeforeAll
    static void startGateway() throws Exception {
        certs = TestCertificates.create(dir);
        gateway = Gateway.start(GatewayConfig.parse("gateway {\n"
                + "  data-dir = \"" + dir.resolve("data") + "\"\n"
                + "  shutdown-timeout = 5s\n"
                + "  http.enabled = false\n"
                + "  allow-root-children = true\n"
                + "  stats-interval = 200ms\n"
                + "  users { alice { password = \"alice-pw\" }, bob { password = \"bob-pw\" } }\n"
                + "  tcprocd.listeners = [{ host = \"127.0.0.1\", port = 0 },\n"
                + "    { host = \"127.0.0.1\", port = 0, tls { cert = \"" + certs.cert() + "\", key = \"" + certs.key()
                + "\" } }]\n"
                + "}\n"));
        plain = port(0);
        tls = port(1);
    }

    private static String port(int index) {
        return Integer.toString(
                ((InetSocketAddress) gateway.boundAddresses("tcprocd").get(index)).getPort());
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    record Run(int exit, String out, String err) {}

    private static Run as(String user, String... args) {
        List<String> all = new ArrayList<>(List.of("-u", user));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Tcproc.run(
                new Tcproc.Io(
                        InputStream.nullInputStream(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        Map.of("TCPROC_PASSWORD", user + "-pw"),
                        () -> null),
                all.toArray(String[]::new));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void statusAndLongListPrintOneLinePerProcessInStableColumns() {
        assertThat(as("alice", "-P", plain, "start", "server", "sleep 600").exit())
                .isZero();
        assertThat(as("alice", "-P", plain, "start", "oneshot", "true").exit()).isZero();
        assertThat(as("bob", "-P", plain, "start", "bobs", "sleep 600").exit()).isZero();
        await().until(() -> as("alice", "-P", plain, "list").out().equals("server\n"));

        Run status = as("alice", "-P", plain, "status", "server", "oneshot", "nothing", "bobs");
        assertThat(status)
                .isEqualTo(new Run(
                        1,
                        "server   running\n" + "oneshot  not-running\n" + "nothing  unknown\n" + "bobs     denied\n",
                        ""));
        assertThat(as("alice", "-P", plain, "status", "server")).isEqualTo(new Run(0, "server  running\n", ""));
        assertThat(as("alice", "-P", plain, "status")).isEqualTo(new Run(0, "server  running\n", ""));
        assertThat(as("alice", "-P", plain, "list", "-l")).isEqualTo(new Run(0, "server  running\n", ""));
        // a script takes the second column
        for (String line : status.out().split("\n")) {
            assertThat(line.split("\\s+")).hasSize(2);
        }
        assertThat(as("alice", "-P", plain, "kill", "server").exit()).isZero();
        assertThat(as("bob", "-P", plain, "kill", "bobs").exit()).isZero();
    }

    @Test
    void longStatusShowsTheLiveFiguresOfEachProcessUnderAHeader() {
        // 64 MiB of string, then a busy loop for a minute
        assertThat(as(
                                "alice",
                                "-P",
                                plain,
                                "start",
                                "hog",
                                "perl -e '$x = q(a) x (64*1024*1024); $t = time; while (time - $t < 60) { $i++ }'")
                        .exit())
                .isZero();
        assertThat(as("alice", "-P", plain, "start", "three", "sh -c 'exit 3'").exit())
                .isZero();
        assertThat(as("bob", "-P", plain, "start", "bobs-hog", "sleep 600").exit())
                .isZero();
        await().atMost(WAIT).until(() -> cpu(as("alice", "-P", plain, "status", "-l", "hog")) > 0.5);
        await().atMost(WAIT)
                .until(() -> as("alice", "-P", plain, "status", "three").out().equals("three  not-running\n"));

        Run run = as("alice", "-P", plain, "status", "-l", "hog", "three", "nothing", "bobs-hog");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEmpty();
        String[] lines = run.out().split("\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).matches("NAME +STATE +CPU +RSS +THREADS +FDS +UPTIME  NOTE");
        assertThat(lines[1])
                .matches("hog +running +\\d\\.\\d\\d +(6[4-9]|[7-9]\\d|1\\d\\d)M +[1-9]\\d* +\\d+ +\\d+(s|m\\d\\ds)");
        assertThat(lines[2]).matches("three +not-running +- +- +- +- +-  exit 3");
        assertThat(lines[3]).matches("nothing +unknown +- +- +- +- +-");
        assertThat(lines[4]).matches("bobs-hog +denied +- +- +- +- +-");
        // Columns line up under the header; a script still takes the state as the second field.
        for (String column : List.of("STATE", "CPU", "RSS", "THREADS", "FDS", "UPTIME")) {
            int end = lines[0].indexOf(column) + (column.equals("STATE") ? 0 : column.length());
            for (int i = 1; i < lines.length; i++) {
                if (column.equals("STATE")) {
                    assertThat(lines[i].charAt(end - 1)).isEqualTo(' ');
                    assertThat(lines[i].charAt(end)).isNotEqualTo(' ');
                } else {
                    assertThat(lines[i].charAt(end - 1))
                            .as(lines[i] + " under " + column)
                            .isNotEqualTo(' ');
                }
            }
        }
        assertThat(Arrays.stream(lines).skip(1).map(l -> l.split(" +")[1]))
                .containsExactly("running", "not-running", "unknown", "denied");
        // Without -l: as before, no header, no figures.
        assertThat(as("alice", "-P", plain, "status", "hog", "three"))
                .isEqualTo(new Run(1, "hog    running\n" + "three  not-running\n", ""));
        assertThat(as("alice", "-P", plain, "kill", "hog").exit()).isZero();
        assertThat(as("bob", "-P", plain, "kill", "bobs-hog").exit()).isZero();
    }

    /** The CPU column of the first process of a {@code status -l}, or -1. */
    private static double cpu(Run run) {
        String[] lines = run.out().split("\n");
        if (lines.length < 2) {
            return -1;
        }
        String[] fields = lines[1].split(" +");
        return fields.length > 2 && fields[2].matches("\\d+\\.\\d+") ? Double.parseDouble(fields[2]) : -1;
    }

    @Test
    void longStatusAgainstAGatewayWithoutStatsPrintsTheStatesAndSaysSoOnce() throws Exception {
        assertThat(as("alice", "-P", plain, "start", "old-one", "sleep 600").exit())
                .isZero();
        assertThat(as("alice", "-P", plain, "start", "old-two", "sleep 600").exit())
                .isZero();
        try (OlderGatewayProxy older = new OlderGatewayProxy(
                (InetSocketAddress) gateway.boundAddresses("tcprocd").get(0))) {
            String port = Integer.toString(older.port());
            Run run = as("alice", "-P", port, "status", "-l", "old-one", "old-two", "old-none");
            assertThat(run.err()).isEqualTo("tcproc: figures not available from this gateway\n");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out().split("\n")).hasSize(4).satisfies(lines -> {
                assertThat(lines[0]).matches("NAME +STATE +CPU +RSS +THREADS +FDS +UPTIME  NOTE");
                assertThat(lines[1]).matches("old-one +running +- +- +- +- +-");
                assertThat(lines[2]).matches("old-two +running +- +- +- +- +-");
                assertThat(lines[3]).matches("old-none +unknown +- +- +- +- +-");
            });
            // The same gateway answers stats itself; without -l, nothing changes through the proxy.
            await().atMost(WAIT)
                    .until(() -> !as("alice", "-P", plain, "status", "-l", "old-one")
                            .out()
                            .contains(" - "));
            assertThat(as("alice", "-P", port, "status", "old-one", "old-two"))
                    .isEqualTo(new Run(0, "old-one  running\n" + "old-two  running\n", ""));
        }
        assertThat(as("alice", "-P", plain, "kill", "old-one").exit()).isZero();
        assertThat(as("alice", "-P", plain, "kill", "old-two").exit()).isZero();
    }

    @Test
    void tlsWithTheGatewaysCertificate() {
        Run list = as("alice", "-P", tls, "--ca", certs.cert().toString(), "list");
        assertThat(list.exit()).as(list.err()).isZero();
        Run tlsFlag = as("alice", "-P", tls, "--tls", "--ca", certs.cert().toString(), "status", "x");
        assertThat(tlsFlag).isEqualTo(new Run(1, "x  unknown\n", ""));
        // the JDK's trusted authorities do not know a self-signed certificate
        Run untrusted = as("alice", "-P", tls, "--tls", "list");
        assertThat(untrusted.exit()).isEqualTo(3);
        assertThat(untrusted.err()).startsWith("tcproc: 127.0.0.1:" + tls + ": ");
        // plain tcproc on a TLS port: no tcprocd greeting comes back
        assertThat(as("alice", "-P", tls, "list").exit()).isEqualTo(3);
        assertThat(as("alice", "-s", dir.resolve("x.sock").toString(), "--tls", "list"))
                .isEqualTo(new Run(2, "", "tcproc: --tls is for TCP; a unix socket is local\n"));
    }
}
