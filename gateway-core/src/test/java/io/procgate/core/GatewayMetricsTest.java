package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.testing.DummyPlugin;
import io.procgate.host.LineSubscriber;
import io.procgate.host.Subscription;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private String config(String extra) {
        return "gateway { data-dir = \"" + tmp.resolve("data")
                + "\", shutdown-timeout = 5s, allow-root-children = true\n"
                + " dummy.listeners = [{ host = \"127.0.0.1\", port = 0 }] }\n" + extra;
    }

    private static double value(MeterRegistry r, String name, String... tags) {
        RequiredSearch s = r.get(name).tags(tags);
        var meter = s.meter();
        return meter.measure().iterator().next().getValue();
    }

    @Test
    void countsConnectionsPerProtocolAndProcessMetersFromTheHost() throws Exception {
        String conf = config("gateway.processes.echo { command = cat, autostart = true }");
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(conf))) {
            SimpleMeterRegistry simple = new SimpleMeterRegistry();
            gateway.metrics().registry().add(simple);
            // counts go to the registries present when they happen: write the output after adding one
            await().atMost(WAIT)
                    .until(() -> gateway.host()
                            .status("echo")
                            .map(st -> st.running())
                            .orElse(false));
            gateway.host().writeStdin("echo", "one".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            gateway.host().writeStdin("echo", "two".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            int port = ((InetSocketAddress) gateway.boundAddresses("dummy").get(0)).getPort();
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.getInputStream().readAllBytes();
                }
            }
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(value(simple, "procgate.protocol.connections", "protocol", "dummy"))
                        .isEqualTo(3.0);
                assertThat(value(simple, "procgate.protocol.connections.active", "protocol", "dummy"))
                        .isEqualTo(0.0);
                assertThat(value(simple, "procgate.process.state", "process", "echo", "state", "running"))
                        .isEqualTo(1.0);
                assertThat(value(simple, "procgate.process.output.lines", "process", "echo"))
                        .isEqualTo(2.0);
                assertThat(value(simple, "procgate.process.output.bytes", "process", "echo"))
                        .isEqualTo(8.0);
            });
            assertThat(value(simple, "procgate.process.state", "process", "echo", "state", "exited"))
                    .isEqualTo(0.0);
            assertThat(value(simple, "procgate.process.restarts", "process", "echo"))
                    .isEqualTo(0.0);

            // attached clients: live subscriptions through the plugin's view of the host
            PluginContext ctx = DummyPlugin.lastContext;
            Subscription sub = ctx.host().subscribe("echo", new LineSubscriber() {
                @Override
                public void onLine(long lineNumber, io.netty.buffer.ByteBuf content) {}
            });
            assertThat(value(simple, "procgate.process.attached.clients", "process", "echo"))
                    .isEqualTo(1.0);
            sub.close();
            sub.close();
            assertThat(value(simple, "procgate.process.attached.clients", "process", "echo"))
                    .isEqualTo(0.0);

            // a process started through the control later gets its meters too
            ctx.processes()
                    .start(new Caller(new User("root", null, true, null), null, "dummy", false), "later", "echo x", "")
                    .toCompletableFuture()
                    .get();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(value(simple, "procgate.process.output.bytes", "process", "later"))
                            .isEqualTo(2.0));

            ctx.protocolMetrics().request("ok");
            ctx.protocolMetrics().authFailure();
            assertThat(value(simple, "procgate.protocol.requests", "protocol", "dummy", "status", "OK"))
                    .isEqualTo(1.0);
            assertThat(value(simple, "procgate.protocol.auth.failures", "protocol", "dummy"))
                    .isEqualTo(1.0);
            assertThat(simple.find("jvm.memory.used").meters()).isNotEmpty();
            assertThat(simple.find("procgate.netty.allocator.used").meters()).hasSize(2);
        }
    }

    @Test
    void readinessFollowsAutostartProcesses() throws Exception {
        Path go = tmp.resolve("go");
        String conf = config("gateway.processes.flaky { command = \"sh -c 'test -f " + go
                + " || exit 1; echo up; exec cat'\", autostart = true, restart = always, restart-backoff = 50ms,"
                + " restart-max-failures = 1000 }\n"
                + "gateway.processes.manual { command = \"cat\" }");
        Gateway gateway = Gateway.start(GatewayConfig.parse(conf));
        try {
            assertThat(gateway.readiness().notReadyReason())
                    .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("process flaky is ");
            Files.writeString(go, "");
            // a run that began before the file existed may still be failing: wait for the one that printed
            await().atMost(WAIT)
                    .until(() -> gateway.host().status("flaky").orElseThrow().nextLine() > 0
                            && gateway.readiness().notReadyReason().isEmpty());
            assertThat(DummyPlugin.lastContext.readiness().notReadyReason()).isEmpty();
            gateway.host().stop("flaky").get();
            await().atMost(WAIT).until(() -> gateway.readiness().notReadyReason(), r -> r.isPresent());
        } finally {
            gateway.close();
        }
        assertThat(gateway.readiness().notReadyReason()).isEqualTo(Optional.of("stopping"));
    }
}
