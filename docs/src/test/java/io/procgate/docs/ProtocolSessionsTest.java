package io.procgate.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.host.ProcessStatus;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code session PROTOCOL} block of the documentation, replayed byte for byte against a real
 * gateway started with the nearest {@code hocon} block above it in the same file (on free ports,
 * with a temporary data directory), once its autostart processes run and their output has settled.
 */
class ProtocolSessionsTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyDocumentedSessionReplays() {
        List<DynamicTest> tests = new java.util.ArrayList<>();
        for (Path file : Docs.markdownFiles()) {
            Docs.Block config = null;
            for (Docs.Block b : Docs.blocks(file)) {
                if (b.lang().equals("hocon")) {
                    config = b;
                } else if (b.lang().equals("session")) {
                    Docs.Block conf = config;
                    tests.add(DynamicTest.dynamicTest(b.where() + " (" + b.argument() + ")", () -> replay(b, conf)));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(7);
        return tests.stream();
    }

    private void replay(Docs.Block session, Docs.Block config) throws Exception {
        assertThat(config).as("a hocon block above " + session.where()).isNotNull();
        Path dir = Files.createTempDirectory(tmp, "session");
        TestGateway test = new TestGateway(dir);
        Config rewritten = test.rewrite(GatewayConfig.parse(config.text()), true);
        try (Gateway gateway = Gateway.start(rewritten)) {
            await("autostart processes running")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> gateway.readiness().notReadyReason().isEmpty());
            awaitQuietOutput(gateway);
            String protocol = session.argument();
            InetSocketAddress server =
                    (InetSocketAddress) gateway.boundAddresses(protocol).get(0);
            Map<Integer, Integer> ports = test.dataPorts;
            String text = session.text();
            for (Map.Entry<Integer, Integer> e : ports.entrySet()) {
                text = text.replace("port=" + e.getKey(), "port=" + e.getValue());
            }
            SessionReplay.replay(
                    SessionReplay.parse(text), new InetSocketAddress("127.0.0.1", server.getPort()), ports);
        }
    }

    @org.junit.jupiter.api.Test
    void aSessionThatDoesNotMatchFails() throws Exception {
        Path dir = Files.createTempDirectory(tmp, "wrong");
        Config config = new TestGateway(dir).rewrite(GatewayConfig.parse("gateway.users.u.password = p"), true);
        try (Gateway gateway = Gateway.start(config)) {
            InetSocketAddress server = new InetSocketAddress(
                    "127.0.0.1",
                    ((InetSocketAddress) gateway.boundAddresses("tcprocd").get(0)).getPort());
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> SessionReplay.replay(SessionReplay.parse("S: 02OK\n"), server, Map.of()))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected S: 02OK")
                    .hasMessageContaining("got: 2");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionReplay.replay(
                            SessionReplay.parse("S: 23AUTHENTICATION_REQUIRED\nS: (closed)\n"), server, Map.of(), 1000))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected the server to close");
        }
    }

    /** Until no process has printed anything for a while: the sessions read their output. */
    private static void awaitQuietOutput(Gateway gateway) {
        String[] last = {""};
        long[] since = {System.nanoTime()};
        await("processes' output settled").atMost(Duration.ofSeconds(20)).until(() -> {
            String now = gateway.host().list().stream()
                    .map(s -> s.name() + "=" + s.nextLine())
                    .collect(Collectors.joining(","));
            if (!now.equals(last[0])) {
                last[0] = now;
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] > Duration.ofMillis(300).toNanos();
        });
    }

    static long lines(List<ProcessStatus> list) {
        return list.stream().mapToLong(ProcessStatus::nextLine).sum();
    }
}
