package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.testing.ChildGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway (its own JVM) whose descriptor limit is lowered for real with {@code prlimit} while a
 * flood of connections arrives: one log line per burst, no spinning, the running child and the
 * attached client go on, a start that needs descriptors is refused cleanly, and accepting resumes
 * once descriptors are free.
 */
class DescriptorExhaustionTest {
    private static final Duration WAIT = ChildGateway.WAIT;
    private static final int FLOOD = 100;
    /** Descriptors left to the gateway above those it holds when the limit is lowered. */
    private static final int HEADROOM = 6;

    @TempDir
    Path tmp;

    private ChildGateway gateway;
    private final List<SocketChannel> flood = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        if (gateway != null) {
            System.out.println("gateway stdout:\n" + gateway.out() + "\nstderr:\n" + gateway.err());
        }
        for (SocketChannel c : flood) {
            c.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static long openDescriptors(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    /** User plus system CPU time of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }

    private static void prlimit(long pid, long soft) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + soft + ":")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(p.exitValue() == 0, () -> "needs prlimit and root to lower a limit: " + out);
    }

    private long count(String part) {
        return gateway.out().lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void aFloodPastTheDescriptorLimitIsLoggedOnceDoesNotSpinAndAcceptingResumes() throws Exception {
        Path conf = tmp.resolve("gateway.conf");
        Files.writeString(
                conf,
                "gateway { data-dir = data, allow-root-children = true, shutdown-timeout = 5s, http.enabled = false\n"
                        + " users.admin { password-hash = \"" + ChildTcprocd.ADMIN_HASH + "\", admin = true }\n"
                        + " tcprocd.listeners = [{ host = \"127.0.0.1\", port = 0, auth-timeout = 5m }] }\n");
        ChildTcprocd.Started started = ChildTcprocd.start(tmp, conf);
        gateway = started.gateway();
        InetSocketAddress address = started.address();

        try (WireClient control = ChildTcprocd.admin(address);
                WireClient attached = ChildTcprocd.admin(address)) {
            control.send(TcprocdWire.start("echo", "cat", ""));
            assertThat(control.readStatus()).isEqualTo("OK");
            control.send(TcprocdWire.start("later", "true", ""));
            assertThat(control.readStatus()).isEqualTo("OK"); // its history is open from now on
            attached.send(TcprocdWire.attach("echo"));
            assertThat(attached.readStatus()).isEqualTo("OK");
            attached.send("before\n");
            assertThat(attached.readLine()).isEqualTo("before");

            // Load what the requests below need while files can be opened: the test's class path is
            // directories, one file per class (the shaded jar of a real deployment is open already).
            control.send(TcprocdWire.list());
            assertThat(control.readStatus()).isEqualTo("OK");
            control.readData();
            control.send(TcprocdWire.start("warm", "/nonexistent", ""));
            assertThat(control.readStatus()).isEqualTo("UNKNOWN");

            long pid = gateway.pid();
            prlimit(pid, openDescriptors(pid) + HEADROOM);
            for (int i = 0; i < FLOOD; i++) {
                flood.add(SocketChannel.open(address)); // queued in the backlog past the limit
            }
            await().atMost(WAIT).until(() -> count("cannot accept connections") > 0);
            long cpuBefore = cpuTicks(pid);
            long startedAt = System.nanoTime();
            // The gateway lives on through the exhaustion, and a paused accept loop costs nothing.
            await().during(Duration.ofSeconds(3))
                    .atMost(WAIT)
                    .until(() -> gateway.process().isAlive());
            long ticks = cpuTicks(pid) - cpuBefore;
            double seconds = (System.nanoTime() - startedAt) / 1e9;
            assertThat(ticks / 100.0)
                    .as("CPU seconds in %.1f s of exhaustion", seconds)
                    .isLessThan(seconds / 4);
            assertThat(count("cannot accept connections")).isEqualTo(1);

            // The running child and its attached client are untouched.
            attached.send("during\n");
            assertThat(attached.readLine()).isEqualTo("during");
            // A start that needs descriptors is refused with a status, and nothing is left half-started.
            control.send(TcprocdWire.start("later", "cat", ""));
            assertThat(control.readStatus()).isEqualTo("UNKNOWN");
            await().atMost(WAIT)
                    .until(() -> count("later: start failed: cannot start cat: out of file descriptors") == 1);
            control.send(TcprocdWire.list());
            assertThat(control.readStatus()).isEqualTo("OK");
            assertThat(control.readData()).isEqualTo("echo\n"); // only the running ones: "later" is not

            // Descriptors come back: the flood leaves, and the gateway closes what it had accepted of it.
            for (SocketChannel c : flood) {
                c.close();
            }
            flood.clear();
            await().atMost(WAIT).until(() -> count("accepting connections again") == 1);
            try (WireClient late = ChildTcprocd.admin(address)) {
                late.send(TcprocdWire.list());
                assertThat(late.readStatus()).isEqualTo("OK");
            }
            attached.send("after\n");
            assertThat(attached.readLine()).isEqualTo("after");
            assertThat(count("cannot accept connections")).isEqualTo(1);
        }
    }
}
