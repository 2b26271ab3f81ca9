package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.unix.DomainSocketAddress;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.testing.DummyPlugin;
import io.procgate.core.testing.LogCapture;
import io.procgate.host.HistorySlice;
import io.procgate.host.ProcessState;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTest {
    @TempDir
    Path tmp;

    private String config(String listeners) {
        return "gateway { data-dir = \"" + tmp.resolve("data")
                + "\", shutdown-timeout = 5s, allow-root-children = true\n" + " dummy.listeners = [" + listeners
                + "] }";
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String greetingOverUnix(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buf = ByteBuffer.allocate(100);
            while (ch.read(buf) >= 0) {
                // read to EOF: the dummy protocol closes after its greeting
            }
            buf.flip();
            return StandardCharsets.UTF_8.decode(buf).toString();
        }
    }

    @Test
    void bindsTcpAndUnixListenersLogsThemAndClosesCleanly() throws Exception {
        Path socket = tmp.resolve("gw.sock");
        Gateway gateway;
        try (LogCapture logs = LogCapture.start()) {
            gateway = Gateway.start(GatewayConfig.parse(
                    config("{ host = \"127.0.0.1\", port = 0 }, { socket = \"" + socket + "\", mode = \"0600\" }")));
            List<SocketAddress> bound = gateway.boundAddresses("dummy");
            assertThat(bound).hasSize(2);
            InetSocketAddress tcp = (InetSocketAddress) bound.get(0);
            assertThat(tcp.getPort()).isPositive();
            assertThat(bound.get(1)).isInstanceOf(DomainSocketAddress.class);
            assertThat(logs.messages())
                    .contains("INFO dummy listening on 127.0.0.1:" + tcp.getPort())
                    .contains("INFO dummy listening on unix:" + socket + " (mode 0600)");
        }
        try {
            assertThat(gateway.host()).isNotNull();
            assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            try (Socket s = new Socket(
                    "127.0.0.1",
                    ((InetSocketAddress) gateway.boundAddresses("dummy").get(0)).getPort())) {
                assertThat(readAll(s.getInputStream())).isEqualTo("hello\n");
            }
            assertThat(greetingOverUnix(socket)).isEqualTo("hello\n");
            PluginContext ctx = DummyPlugin.lastContext;
            assertThat(ctx.config().getString("greeting")).isEqualTo("hello");
            assertThat(ctx.host().list()).isEqualTo(gateway.host().list());
            assertThat(ctx.processes()).isNotNull();
            assertThat(ctx.workerGroup().isShuttingDown()).isFalse();
        } finally {
            gateway.close();
        }
        assertThat(Files.exists(socket)).isFalse();
        assertThat(DummyPlugin.lastContext.workerGroup().isTerminated()).isTrue();
        gateway.close(); // idempotent
    }

    @Test
    void staleSocketFileIsReplaced() throws Exception {
        Path socket = tmp.resolve("stale.sock");
        // a socket file nobody listens on any more
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(Files.exists(socket)).isTrue();
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(config("{ socket = \"" + socket + "\" }")))) {
            assertThat(greetingOverUnix(socket)).isEqualTo("hello\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                    .isEqualTo("rw-rw----");
        }
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void liveSocketOrRegularFileIsAnError() throws Exception {
        Path socket = tmp.resolve("live.sock");
        try (Gateway first = Gateway.start(GatewayConfig.parse(config("{ socket = \"" + socket + "\" }")))) {
            assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("{ socket = \"" + socket + "\" }"))))
                    .isInstanceOf(GatewayException.class)
                    .hasMessage("dummy: cannot listen on unix:" + socket + ": another process is listening on it");
            assertThat(greetingOverUnix(socket)).isEqualTo("hello\n");
        }
        Path file = tmp.resolve("plain.txt");
        Files.writeString(file, "keep me");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("{ socket = \"" + file + "\" }"))))
                .hasMessage("dummy: cannot listen on unix:" + file + ": the file exists and is not a socket");
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void portInUseIsOneClearLine() throws Exception {
        Path socket = tmp.resolve("early.sock");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            // the unix listener binds first and must be cleaned up when the second fails
            assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(
                            config("{ socket = \"" + socket + "\" }, { host = \"127.0.0.1\", port = " + port + " }"))))
                    .isInstanceOf(GatewayException.class)
                    .hasMessage("dummy: cannot listen on 127.0.0.1:" + port + ": address already in use");
        }
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void aSecondGatewayOnTheSameDataDirIsRefused() {
        try (Gateway first = Gateway.start(GatewayConfig.parse(config("")))) {
            assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config(""))))
                    .isInstanceOf(GatewayException.class)
                    .hasMessageContaining("is in use by another gateway");
            assertThat(first.host().list()).isEmpty();
        }
        Gateway.start(GatewayConfig.parse(config(""))).close(); // the lock is released at close
    }

    @Test
    void listenerConfigErrorsComeFromThePlugin() {
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("{ host = \"127.0.0.1\", prot = 1 }"))))
                .isInstanceOf(com.typesafe.config.ConfigException.class)
                .hasMessage("gateway.dummy.listeners.0.prot: unknown key (line 2)");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("{ host = \"127.0.0.1\", port = x }"))))
                .hasMessage("gateway.dummy.listeners.0.port: expected a port 0-65535, got \"x\" (line 2)");
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("{ socket = \"/tmp/x.sock\", port = 1 }"))))
                .hasMessageContaining("either socket or host/port");
    }

    @Test
    void autostartsConfiguredProcessesWithTheirRestartPolicy() throws Exception {
        String conf = config("")
                + "\ngateway.processes.auto1 { command = \"printf 'up\\\\n'\", autostart = true, owner = alice }"
                + "\ngateway.processes.flaky { command = \"sh -c 'echo try; exit 3'\", autostart = true,"
                + " restart = on-failure, restart-backoff = 50ms, restart-max-failures = 2 }"
                + "\ngateway.processes.manual { command = \"sleep 1\" }";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(conf))) {
            Duration wait = Duration.ofSeconds(20);
            await().atMost(wait)
                    .until(() -> gateway.host()
                            .status("auto1")
                            .map(s -> s.nextLine() == 1 && !s.running())
                            .orElse(false));
            assertThat(gateway.host().status("auto1").orElseThrow().owner()).isEqualTo("alice");
            await().atMost(wait)
                    .until(() -> gateway.host()
                            .status("flaky")
                            .map(s -> s.state() == ProcessState.FAILED)
                            .orElse(false));
            assertThat(gateway.host().status("flaky").orElseThrow().nextLine()).isEqualTo(3); // first run + 2 restarts
            assertThat(gateway.host().status("manual")).isEmpty();
        }
    }

    @Test
    void aReloadRestartsAChangedRunningProcessAsNowDeclaredAndLeavesAStoppedOneDown() throws Exception {
        String base = config("") + "\ngateway.processes.idle { command = \"printf 'idle\\\\n'\" }";
        String v1 = base + "\ngateway.processes.svc { command = \"sh -c 'echo v1; exec sleep 600'\" }";
        String v2 = base.replace("idle\\\\n", "idle 2\\\\n")
                + "\ngateway.processes.svc { command = \"sh -c 'echo v2; exec sleep 600'\" }";
        Caller admin = new Caller(new User("ops", null, true, null), null, "test", false);
        Duration wait = Duration.ofSeconds(20);
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(v1))) {
            // Not autostart: running only because a user started it, with whatever command it sent.
            assertThat(gateway.processes()
                            .start(admin, "svc", "true", "")
                            .toCompletableFuture()
                            .join())
                    .isEqualTo(ControlStatus.OK);
            await().atMost(wait).until(() -> history(gateway, "svc").equals("v1\n"));
            long firstPid = gateway.host().status("svc").orElseThrow().pid();

            gateway.reload(GatewayConfig.parse(v2));
            await().atMost(wait).until(() -> history(gateway, "svc").equals("v1\nv2\n"));
            await().atMost(wait)
                    .until(() -> gateway.host().status("svc").orElseThrow().running());
            assertThat(gateway.host().status("svc").orElseThrow().pid()).isNotEqualTo(firstPid);
            assertThat(gateway.host().status("idle")).isEmpty();
        }
    }

    private static String history(Gateway gateway, String name) {
        HistorySlice slice = gateway.host().read(name, 0, 1 << 20).orElse(null);
        if (slice == null) {
            return "";
        }
        try {
            return slice.data().toString(StandardCharsets.UTF_8);
        } finally {
            slice.release();
        }
    }
}
