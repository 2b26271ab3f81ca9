package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.testing.ChildGateway;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Main} in a child JVM, as the launcher runs it: exit codes, stderr, signals. */
class MainProcessTest {
    @TempDir
    Path tmp;

    private final List<ChildGateway> started = new ArrayList<>();

    private ChildGateway main(String... args) throws IOException {
        ChildGateway g = ChildGateway.start(tmp, args);
        started.add(g);
        return g;
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(ChildGateway::close);
    }

    @Test
    void badConfigExitsNonZeroWithOneLineOnStderr() throws Exception {
        Path conf = tmp.resolve("bad.conf");
        Files.writeString(conf, "gateway {\n  dummy.listners = []\n}\n");
        ChildGateway p = main("-c", conf.toString());
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(p.joinErr()).isEqualTo("config error: gateway.dummy.listners: unknown key (" + conf + ":2)\n");
    }

    @Test
    void unreadableFileAndPortInUseAreOneLineToo() throws Exception {
        ChildGateway p = main("-c", "missing.conf");
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(p.joinErr()).isEqualTo("config error: cannot read config file missing.conf: no such file\n");

        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path conf = tmp.resolve("taken.conf");
            Files.writeString(
                    conf,
                    "gateway { data-dir = data, dummy.listeners = [{ host = \"127.0.0.1\", port = "
                            + taken.getLocalPort() + " }] }\n");
            ChildGateway q = main("-c", conf.toString());
            assertThat(q.waitFor()).isEqualTo(1);
            assertThat(q.joinErr())
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
        ChildGateway p = main("-c", conf.toString());
        Pattern listening = Pattern.compile("dummy listening on 127\\.0\\.0\\.1:(\\d+)");
        await().atMost(ChildGateway.WAIT)
                .until(() ->
                        p.out().contains("procgate started") || !p.process().isAlive());
        assertThat(p.process().isAlive())
                .as("stdout: %s stderr: %s", p.out(), p.err())
                .isTrue();
        Matcher m = listening.matcher(p.out());
        assertThat(m.find()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isPositive();
        assertThat(p.out()).contains("dummy listening on unix:" + socket);
        assertThat(Files.exists(socket)).isTrue();

        p.signal("HUP");
        await().atMost(ChildGateway.WAIT).until(() -> p.out().contains("reload requested"));

        p.signal("TERM");
        assertThat(p.waitFor()).isZero();
        assertThat(p.joinOut()).contains("procgate stopped");
        assertThat(p.joinErr()).isEmpty();
        assertThat(Files.exists(socket)).isFalse();
    }
}
