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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tcproc status}, {@code list -l} and {@code --tls} against a real gateway. */
class TcprocOpsTest {
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
