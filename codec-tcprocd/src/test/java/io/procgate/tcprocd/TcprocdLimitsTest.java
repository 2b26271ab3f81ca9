package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bounds: a capped {@code cat} answer (max-response), lines lost to retention, and a slow
 * attached client (attach-buffer), each told with {@code [gateway] missed N lines, next is line L}.
 */
class TcprocdLimitsTest {
    /** Generous: the burst tests run 200,000 lines through paranoid leak detection on two shared cores. */
    private static final Duration SLOW_WAIT = Duration.ofSeconds(120);

    private static final Pattern MISSED = Pattern.compile("\\[gateway] missed (\\d+) lines, next is line (\\d+)");

    @org.junit.jupiter.api.io.TempDir
    static Path dir;

    static TestGateway gateway;

    @BeforeAll
    static void startGateway() {
        gateway = TestGateway.start(
                dir,
                "gateway.tcprocd { max-response = 1 KiB, attach-buffer = 1 KiB }\n"
                        + "gateway.history { retention = 8 KiB, segment-size = 4 KiB }\n");
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    private static String cat(WireClient client, String name, long from) {
        client.send(TcprocdWire.cat(name, from));
        assertThat(client.readStatus()).isEqualTo("OK");
        return client.readData();
    }

    private static void startAndWait(WireClient client, String name, String script) {
        client.send(TcprocdWire.start(name, "sh " + Scripts.write(dir, name + ".sh", script), ""));
        assertThat(client.readStatus()).isEqualTo("OK");
    }

    private static boolean exited(String name) {
        return gateway.gateway.host().status(name).map(s -> !s.running()).orElse(false);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aCappedAnswerEndsOnALineAndTheClientReadsOn(Transport transport) {
        String name = "capped-" + transport;
        try (WireClient client = transport.login(gateway)) {
            // 100 lines of 40 bytes: 4000 bytes, more than one 1 KiB answer holds, less than retention.
            startAndWait(
                    client,
                    name,
                    "i=100; while [ $i -lt 200 ]; do echo \"line $i .............................\"; i=$((i+1)); done\n");
            await().until(() -> exited(name));
            List<String> lines = new ArrayList<>();
            long next = 0;
            int answers = 0;
            while (true) {
                String data = cat(client, name, next);
                if (data.isEmpty()) {
                    break;
                }
                answers++;
                assertThat(data.length()).isLessThanOrEqualTo(1024);
                assertThat(data).endsWith("\n");
                String[] got = data.split("\n");
                lines.addAll(List.of(got));
                next += got.length;
            }
            assertThat(answers).isGreaterThanOrEqualTo(4);
            assertThat(lines).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(lines.get(i)).startsWith("line " + (100 + i) + " ");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void linesDroppedByRetentionAreAnnounced(Transport transport) {
        String name = "retained-" + transport;
        try (WireClient client = transport.login(gateway)) {
            // 1000 lines of 40 bytes: 40 KB, five times the retention.
            startAndWait(
                    client,
                    name,
                    "i=1000; while [ $i -lt 2000 ]; do echo \"line $i .............................\"; i=$((i+1)); done\n");
            await().until(() -> exited(name));
            String data = cat(client, name, 0);
            String first = data.substring(0, data.indexOf('\n'));
            Matcher m = MISSED.matcher(first);
            assertThat(m.matches()).as(first).isTrue();
            long missed = Long.parseLong(m.group(1));
            long next = Long.parseLong(m.group(2));
            assertThat(missed).isEqualTo(next).isPositive();
            String[] lines = data.split("\n");
            assertThat(lines[1]).startsWith("line " + (1000 + next) + " ");
            assertThat(data.length()).isLessThanOrEqualTo(1024);
            // Asked from a line that is still kept, no notice.
            assertThat(cat(client, name, next + 1)).startsWith("line " + (1000 + next + 1) + " ");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSlowAttachedClientIsToldWhatItMissed(Transport transport) throws Exception {
        String name = "slow-" + transport;
        String script =
                "read -r go\nseq 1 200000\nwhile read -r l; do [ \"$l\" = quit ] && exit 0; echo \"got $l\"; done\n";
        try (WireClient control = transport.login(gateway)) {
            startAndWait(control, name, script);
            // A small receive buffer: the socket holds little of what the client does not read.
            WireClient attached = transport.login(gateway, 4096);
            attached.send(TcprocdWire.attach(name));
            assertThat(attached.readStatus()).isEqualTo("OK");
            // A burst far beyond socket buffers and the 1 KiB bound, while the client reads nothing.
            attached.send("go\n");
            await().atMost(SLOW_WAIT)
                    .until(() ->
                            gateway.gateway.host().status(name).orElseThrow().nextLine() >= 200_000);

            List<String> received = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        received.add(attached.readLine());
                    }
                } catch (RuntimeException end) {
                    // closed
                }
            });
            reader.start();
            int[] ping = {0};
            await().atMost(SLOW_WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                attached.send("ping " + ++ping[0] + "\n");
                return received.stream().anyMatch(l -> l.startsWith("got ping"));
            });
            attached.send("quit\n");
            reader.join(30_000);
            attached.close();

            int notice = -1;
            for (int i = 0; i < received.size(); i++) {
                if (MISSED.matcher(received.get(i)).matches()) {
                    notice = i;
                    break;
                }
            }
            assertThat(notice)
                    .as("a missed-lines notice among %d lines", received.size())
                    .isNotNegative();
            Matcher m = MISSED.matcher(received.get(notice));
            assertThat(m.matches()).isTrue();
            long missed = Long.parseLong(m.group(1));
            long next = Long.parseLong(m.group(2));
            assertThat(missed).isPositive();
            // Line n of the history is seq's n + 1 for the burst, then the echoed pings.
            for (int i = 0; i < notice; i++) {
                assertThat(received.get(i)).isEqualTo(Integer.toString(i + 1));
            }
            assertThat(next).isEqualTo(notice + missed);
            String afterNotice = received.get(notice + 1);
            if (next < 200_000) {
                assertThat(afterNotice).isEqualTo(Long.toString(next + 1));
            } else {
                assertThat(afterNotice).startsWith("got ping");
            }
            assertThat(received.size()).isLessThan(200_000);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void everyLineOfASlowAttachIsReceivedOrAnnouncedUpToTheExit(Transport transport) {
        String name = "slowend-" + transport;
        try (WireClient control = transport.login(gateway)) {
            startAndWait(control, name, "read -r go\nseq 1 200000\n");
            // A small receive buffer: the socket holds little of what the client does not read.
            WireClient attached = transport.login(gateway, 4096);
            attached.send(TcprocdWire.attach(name));
            assertThat(attached.readStatus()).isEqualTo("OK");
            // The burst and the exit happen while the client reads nothing.
            attached.send("go\n");
            await().atMost(SLOW_WAIT).until(() -> exited(name));
            String[] lines = attached.readToEnd().split("\n");
            attached.close();
            assertThat(lines.length).isLessThan(200_000);
            // Every line is either received in order or announced as missed, up to the very last
            // (line 199999, seq's 200000): lines missed just before the exit get a notice before the
            // close, which then points past the end.
            long next = 0;
            for (String line : lines) {
                Matcher notice = MISSED.matcher(line);
                if (notice.matches()) {
                    long missed = Long.parseLong(notice.group(1));
                    assertThat(Long.parseLong(notice.group(2))).isEqualTo(next + missed);
                    next += missed;
                } else {
                    assertThat(line).isEqualTo(Long.toString(next + 1));
                    next++;
                }
            }
            assertThat(next).isEqualTo(200_000);
        }
    }
}
