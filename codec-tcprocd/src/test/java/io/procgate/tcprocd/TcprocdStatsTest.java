package io.procgate.tcprocd;

import static io.procgate.tcprocd.TcprocdWire.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code stats} extension end to end: a real gateway sampling real children every 200 ms, a
 * plain socket client, over TCP and a unix socket.
 */
class TcprocdStatsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MIB = 1L << 20;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path dir;

    static TestGateway gateway;

    @BeforeAll
    static void startGateway() {
        gateway = TestGateway.start(
                dir,
                "gateway.stats-interval = 200ms\n"
                        + "gateway.processes.nightly { command = \"sleep 600\", owner = alice, autostart = true,\n"
                        + "  schedules = [ { cron = \"0 4 * * *\", action = restart },"
                        + " { cron = \"@hourly\", action = command, command = save } ] }\n");
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    /** The answer to {@code stats}: its status, and its fields in the order sent. */
    private record Answer(String status, Map<String, String> fields) {}

    private static Answer stats(WireClient client, String name) {
        client.send(TcprocdWire.stats(name));
        String status = client.readStatus();
        if (!status.equals("OK")) {
            return new Answer(status, Map.of());
        }
        String data = client.readData();
        assertThat(data).endsWith("\n");
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : data.split("\n")) {
            int space = line.indexOf(' ');
            assertThat(space).as(line).isPositive();
            assertThat(fields.put(line.substring(0, space), line.substring(space + 1)))
                    .as("one " + line.substring(0, space))
                    .isNull();
        }
        return new Answer(status, fields);
    }

    private static String start(WireClient client, String name, String commandLine) {
        client.send(TcprocdWire.start(name, commandLine, ""));
        return client.readStatus();
    }

    /** Resident memory of {@code pid} as the kernel reports it ({@code VmRSS} in /proc/PID/status). */
    private static long kernelRss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    @Test
    void aBusyChildShowsItsCoreAndItsMemory() throws IOException {
        String name = uniqueName("hog");
        try (WireClient alice = gateway.tcpLogin(TestGateway.ALICE)) {
            // 64 MiB of string, then a busy loop for a minute
            assertThat(start(
                            alice,
                            name,
                            "perl -e '$x = q(a) x (64*1024*1024); $t = time; while (time - $t < 60) { $i++ }'"))
                    .isEqualTo("OK");
            await().atMost(WAIT).untilAsserted(() -> {
                Answer answer = stats(alice, name);
                assertThat(answer.status()).isEqualTo("OK");
                assertThat(answer.fields()).containsKey("cpu");
                assertThat(Double.parseDouble(answer.fields().get("cpu"))).isGreaterThan(0.5);
                assertThat(Long.parseLong(answer.fields().get("rss"))).isGreaterThan(64 * MIB);
            });
            Map<String, String> fields = stats(alice, name).fields();
            assertThat(fields.keySet())
                    .startsWith("state", "pid", "owner", "since", "restarts", "lines", "cpu", "rss")
                    .contains("threads", "fds", "uptime")
                    .doesNotContain("exit", "signal", "next-run");
            assertThat(fields).containsEntry("state", "running").containsEntry("owner", TestGateway.ALICE);
            assertThat(fields.get("cpu")).matches("\\d+\\.\\d{3}");
            long pid = Long.parseLong(fields.get("pid"));
            long rss = Long.parseLong(fields.get("rss"));
            long kernel = kernelRss(pid);
            assertThat(rss).isBetween(kernel / 2, kernel * 2);
            assertThat(Integer.parseInt(fields.get("threads"))).isPositive();
            // stdin, stdout and stderr at least
            assertThat(Integer.parseInt(fields.get("fds"))).isGreaterThanOrEqualTo(3);
            assertThat(Long.parseLong(fields.get("uptime"))).isBetween(0L, WAIT.toSeconds() + 5);
            assertThat(Instant.parse(fields.get("since")))
                    .isBefore(Instant.now().plusSeconds(1));
            client(alice, TcprocdWire.kill(name), "OK");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aProcessThatIsNotRunningHasItsStateAndLastExitButNoFigures(Transport transport) {
        String exits = uniqueName("exits");
        String killed = uniqueName("killed");
        try (WireClient client = transport.login(gateway)) {
            assertThat(start(client, exits, "sh -c 'echo bye; exit 3'")).isEqualTo("OK");
            assertThat(start(client, killed, "sleep 600")).isEqualTo("OK");
            await().atMost(WAIT).until(() -> stats(client, killed).fields().containsKey("cpu"));
            client(client, TcprocdWire.kill(killed), "OK");
            await().atMost(WAIT)
                    .until(() -> stats(client, exits).fields().get("state").equals("exited"));
            await().atMost(WAIT)
                    .until(() -> stats(client, killed).fields().get("state").equals("exited"));

            Map<String, String> exited = stats(client, exits).fields();
            assertThat(exited)
                    .containsEntry("exit", "3")
                    .containsEntry("lines", "1")
                    .containsEntry("owner", transport.user())
                    .doesNotContainKeys("pid", "cpu", "rss", "threads", "fds", "uptime", "signal");
            assertThat(stats(client, killed).fields())
                    .containsEntry("signal", "SIGTERM")
                    .doesNotContainKeys("pid", "cpu", "exit");
        }
    }

    @Test
    void aNameNeverKnownIsOfflineAndAnotherUsersProcessIsDenied() {
        String name = uniqueName("alices");
        try (WireClient alice = gateway.tcpLogin(TestGateway.ALICE);
                WireClient bob = gateway.tcpLogin(TestGateway.BOB);
                WireClient admin = gateway.tcpLogin(TestGateway.ADMIN)) {
            assertThat(stats(alice, uniqueName("never")).status()).isEqualTo("OFFLINE");
            assertThat(start(alice, name, "sleep 600")).isEqualTo("OK");
            assertThat(stats(bob, name).status()).isEqualTo("PERMISSION_DENIED");
            assertThat(stats(admin, name).fields()).containsEntry("owner", TestGateway.ALICE);
            // Refusals are answers: the connections go on, requests pipelined with them too.
            bob.send(concat(TcprocdWire.stats(name), TcprocdWire.stats("nothing-here"), TcprocdWire.list()));
            assertThat(bob.readStatus()).isEqualTo("PERMISSION_DENIED");
            assertThat(bob.readStatus()).isEqualTo("OFFLINE");
            assertThat(bob.readStatus()).isEqualTo("OK");
            assertThat(bob.readData()).doesNotContain(name);
            client(alice, TcprocdWire.kill(name), "OK");
        }
    }

    @Test
    void theSoonestScheduledRunIsShown() {
        try (WireClient alice = gateway.tcpLogin(TestGateway.ALICE)) {
            await().atMost(WAIT)
                    .until(() -> stats(alice, "nightly").fields().get("state").equals("running"));
            String next = stats(alice, "nightly").fields().get("next-run");
            // @hourly comes before 04:00 but once a day, when both fall on 04:00: either is the soonest
            assertThat(next).matches("\\S+ (command|restart)");
            Instant at = Instant.parse(next.substring(0, next.indexOf(' ')));
            assertThat(at).isBetween(Instant.now(), Instant.now().plus(Duration.ofHours(1)));
        }
    }

    @Test
    void aMalformedStatsRequestIsErrorAndCloses() {
        for (String request : new String[] {"05stats03a/b", "05stats00", "05stats65"}) {
            try (WireClient alice = gateway.tcpLogin(TestGateway.ALICE)) {
                alice.send(request);
                assertThat(alice.readStatus()).as(request).isEqualTo("ERROR");
                alice.assertClosed();
            }
        }
    }

    private static void client(WireClient client, byte[] request, String expected) {
        client.send(request);
        assertThat(client.readStatus()).isEqualTo(expected);
    }
}
