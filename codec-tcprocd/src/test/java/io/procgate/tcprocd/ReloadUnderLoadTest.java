package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.testing.ChildGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP reloads while a process prints and clients are attached: the printing process's client
 * gets every line, in order, through every reload; only the client of the process whose
 * definition changed is let go (its process restarts); control connections go on.
 */
class ReloadUnderLoadTest {
    private static final Duration WAIT = ChildGateway.WAIT;
    private static final int LINES = 3000;
    private static final int RELOADS = 4;
    /** About 300 lines a second for several seconds: the reloads land while it prints. */
    private static final String TICKER = "sh -c 'i=0; while [ $i -lt " + LINES
            + " ]; do echo t$i; i=$((i+1)); [ $((i % 10)) -eq 0 ] && sleep 0.03; done; exec cat'";

    @TempDir
    Path tmp;

    private ChildGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private Path writeConfig(int generation) throws IOException {
        Path conf = tmp.resolve("gateway.conf");
        String other = generation % 2 == 0 ? "cat" : "cat -u";
        Files.writeString(
                conf,
                "gateway { data-dir = data, allow-root-children = true, shutdown-timeout = 5s, http.enabled = false\n"
                        + " users.admin { password-hash = \"" + ChildTcprocd.ADMIN_HASH + "\", admin = true }\n"
                        + " tcprocd.listeners = [{ host = \"127.0.0.1\", port = 0 }]\n"
                        + " processes {\n"
                        + "  ticker { command = \"\"\"" + TICKER + "\"\"\", autostart = true }\n"
                        + "  other { command = \"" + other + "\", autostart = true }\n"
                        + (generation > 0 ? "  added" + generation + " { command = cat, autostart = true }\n" : "")
                        + " } }\n");
        return conf;
    }

    private long count(String part) {
        return gateway.out().lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void reloadsWhileAProcessPrintsDropNoLineAndLetGoOnlyTheClientsTheChangeConcerns() throws Exception {
        Path conf = writeConfig(0);
        ChildTcprocd.Started started = ChildTcprocd.start(tmp, conf);
        gateway = started.gateway();
        InetSocketAddress address = started.address();

        try (WireClient control = ChildTcprocd.admin(address);
                WireClient ticker = ChildTcprocd.admin(address);
                WireClient other = ChildTcprocd.admin(address)) {
            ticker.send(TcprocdWire.attach("ticker"));
            assertThat(ticker.readStatus()).isEqualTo("OK");
            other.send(TcprocdWire.attach("other"));
            assertThat(other.readStatus()).isEqualTo("OK");
            String first = ticker.readLine();
            assertThat(first).startsWith("t");
            int expected = Integer.parseInt(first.substring(1)) + 1;

            for (int generation = 1; generation <= RELOADS; generation++) {
                writeConfig(generation);
                long before = count("configuration reloaded");
                gateway.signal("HUP");
                // Reading on meanwhile: the attached client must not fall behind, or it is told it missed lines.
                while (count("configuration reloaded") == before && expected < LINES) {
                    assertThat(ticker.readLine()).isEqualTo("t" + expected++);
                }
                await().atMost(WAIT).until(() -> count("configuration reloaded") > before);
                String added = "added" + generation;
                await().atMost(WAIT).until(() -> count(added + ": started pid") == 1);
            }
            while (expected < LINES) {
                assertThat(ticker.readLine()).isEqualTo("t" + expected++);
            }
            assertThat(count("ticker: started pid"))
                    .as("the ticker never restarted")
                    .isEqualTo(1);
            assertThat(count("other: started pid")).isEqualTo(1 + RELOADS);
            // The client of the changed process was let go when its process stopped for the restart.
            other.readToEnd();

            control.send(TcprocdWire.list());
            assertThat(control.readStatus()).isEqualTo("OK");
            assertThat(control.readData()).contains("ticker\n", "other\n", "added" + RELOADS + "\n");
            control.send(TcprocdWire.cat("ticker", 0));
            assertThat(control.readStatus()).isEqualTo("OK");
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < LINES; i++) {
                all.append('t').append(i).append('\n');
            }
            assertThat(control.readData()).isEqualTo(all.toString());
        }
    }
}
