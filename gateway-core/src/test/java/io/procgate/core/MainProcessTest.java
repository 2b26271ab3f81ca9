package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Main} in a child JVM, as the launcher runs it: exit codes, stderr, signals. */
class MainProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    /** A child's output, drained by a thread so the child never blocks on a full pipe. */
    private static final class Drain {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        Drain(InputStream in) {
            thread = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (bytes) {
                            bytes.write(buf, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        String join() throws InterruptedException {
            thread.join(WAIT.toMillis());
            return text();
        }
    }

    private Process main(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).start();
        started.add(p);
        p.getOutputStream().close();
        return p;
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void badConfigExitsNonZeroWithOneLineOnStderr() throws Exception {
        Path conf = tmp.resolve("bad.conf");
        Files.writeString(conf, "gateway {\n  dummy.listners = []\n}\n");
        Process p = main("-c", conf.toString());
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(err.join()).isEqualTo("config error: gateway.dummy.listners: unknown key (" + conf + ":2)\n");
        out.join();
    }

    @Test
    void unreadableFileAndPortInUseAreOneLineToo() throws Exception {
        Process p = main("-c", "missing.conf");
        Drain err = new Drain(p.getErrorStream());
        new Drain(p.getInputStream());
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(err.join()).isEqualTo("config error: cannot read config file missing.conf: no such file\n");

        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path conf = tmp.resolve("taken.conf");
            Files.writeString(
                    conf,
                    "gateway { data-dir = data, dummy.listeners = [{ host = \"127.0.0.1\", port = "
                            + taken.getLocalPort() + " }] }\n");
            Process q = main("-c", conf.toString());
            Drain qerr = new Drain(q.getErrorStream());
            new Drain(q.getInputStream());
            assertThat(q.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(q.exitValue()).isEqualTo(1);
            assertThat(qerr.join())
                    .isEqualTo("error: dummy: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + ": address already in use\n");
        }
    }

    @Test
    void sigtermStopsCleanlyWithExitZero() throws Exception {
        Path socket = tmp.resolve("main.sock");
        Path conf = tmp.resolve("ok.conf");
        Files.writeString(
                conf,
                "gateway { data-dir = data\n dummy.listeners = [{ host = \"127.0.0.1\", port = 0 }," + " { socket = \""
                        + socket + "\" }] }\n");
        Process p = main("-c", conf.toString());
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        Pattern listening = Pattern.compile("dummy listening on 127\\.0\\.0\\.1:(\\d+)");
        await().atMost(WAIT).until(() -> out.text().contains("procgate started") || !p.isAlive());
        assertThat(p.isAlive())
                .as("stdout: %s stderr: %s", out.text(), err.text())
                .isTrue();
        Matcher m = listening.matcher(out.text());
        assertThat(m.find()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isPositive();
        assertThat(out.text()).contains("dummy listening on unix:" + socket);
        assertThat(Files.exists(socket)).isTrue();

        Runtime.getRuntime()
                .exec(new String[] {"kill", "-HUP", Long.toString(p.pid())})
                .waitFor();
        await().atMost(WAIT).until(() -> out.text().contains("reload requested"));

        p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its stdout
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out.join()).contains("procgate stopped");
        assertThat(err.join()).isEmpty();
        assertThat(Files.exists(socket)).isFalse();
    }
}
