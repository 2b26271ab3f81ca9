package io.procgate.agones;

import static io.procgate.agones.AgonesFixture.HEALTH;
import static io.procgate.agones.AgonesFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.agones.testing.FakeAgonesSdk;
import io.procgate.host.ProcessState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the gateway says to a well-behaved SDK, and when: a real gateway, a real child, a real socket. */
class AgonesLinkTest extends GatewayAndSdkTest {
    private static final String PLAYERS = "players { list = players, join = \"(?<player>\\\\w+) joined the game\","
            + " leave = \"(?<player>\\\\w+) left the game\" }";

    private AgonesFixture echo(String processExtra, String agonesExtra) throws Exception {
        sdk = FakeAgonesSdk.start("players");
        gateway = AgonesFixture.echo(tmp.resolve("data"), sdk.port(), processExtra, agonesExtra);
        return gateway;
    }

    /** Waits for {@code n} more health pings, by which time anything sent before them has arrived. */
    private void awaitMorePings(int n) {
        long target = sdk.count("/health") + n;
        await().atMost(WAIT).until(() -> sdk.count("/health") >= target);
    }

    @Test
    void readyGoesOutOncePerStartAfterTheReadyLineAndNotBefore() throws Exception {
        AgonesFixture g = echo("restart = on-failure, restart-backoff = 200ms", "");
        g.print("Starting the server");
        awaitMorePings(3);
        assertThat(sdk.count("/ready")).isZero();

        g.print("Done (1.2s)! For help, type \"help\"");
        await().atMost(WAIT).until(() -> sdk.count("/ready") == 1);
        g.print("Done (again)");
        awaitMorePings(3);
        assertThat(sdk.count("/ready")).isEqualTo(1);

        g.print("exit 1"); // a crash the policy restarts
        await().atMost(WAIT)
                .until(() -> g.status().restarts() == 1 && g.status().state() == ProcessState.RUNNING);
        awaitMorePings(2);
        assertThat(sdk.count("/ready")).isEqualTo(1);
        g.print("Done (0.9s)");
        await().atMost(WAIT).until(() -> sdk.count("/ready") == 2);
        awaitMorePings(2);

        assertThat(sdk.calls("/ready")).allSatisfy(c -> {
            assertThat(c.method()).isEqualTo("POST");
            assertThat(c.body()).isEqualTo("{}");
            assertThat(c.contentType()).isEqualTo("application/json");
        });
        assertThat(sdk.count("/shutdown")).isZero();
        assertThat(g.calls("ready", "ok")).isEqualTo(2);
    }

    @Test
    void healthPingsComeAtTheIntervalWhileRunningAndStopWhileNot() throws Exception {
        AgonesFixture g = echo("restart = on-failure, restart-backoff = 1500ms", "");
        long before = sdk.count("/health");
        await().atMost(WAIT).until(() -> sdk.count("/health") >= before + 5);
        List<FakeAgonesSdk.Call> pings = sdk.calls("/health");
        // at the interval: five pings take about four intervals, never a burst
        long span = pings.get(pings.size() - 1).atNanos()
                - pings.get(pings.size() - 5).atNanos();
        assertThat(Duration.ofNanos(span)).isGreaterThanOrEqualTo(HEALTH.multipliedBy(3));
        assertThat(pings).allSatisfy(c -> assertThat(c.body()).isEqualTo("{}"));

        g.print("exit 1");
        g.awaitState(ProcessState.BACKOFF);
        // a ping already on its way may still land; after that, silence while it waits to restart
        await().pollDelay(HEALTH.multipliedBy(2)).atMost(WAIT).until(() -> true);
        long whileDown = sdk.count("/health");
        await().during(HEALTH.multipliedBy(6)).atMost(WAIT).until(() -> sdk.count("/health") == whileDown);
        assertThat(g.status().state()).isEqualTo(ProcessState.BACKOFF);

        g.awaitState(ProcessState.RUNNING);
        awaitMorePings(2);
        assertThat(sdk.count("/shutdown")).isZero();
    }

    @Test
    void shutdownWhenTheProcessEndsForGoodButNotOnARestartThePolicyAllows() throws Exception {
        AgonesFixture g = echo("restart = on-failure, restart-backoff = 200ms", "");
        g.print("Done (1s)");
        await().atMost(WAIT).until(() -> sdk.count("/ready") == 1);
        g.print("exit 2");
        await().atMost(WAIT)
                .until(() -> g.status().restarts() == 1 && g.status().state() == ProcessState.RUNNING);
        awaitMorePings(3);
        assertThat(sdk.count("/shutdown")).isZero();

        g.print("exit 0"); // on-failure does not restart a clean exit
        await().atMost(WAIT).until(() -> sdk.count("/shutdown") == 1);
        assertThat(g.status().state()).isEqualTo(ProcessState.EXITED);
        assertThat(sdk.calls("/shutdown").get(0).body()).isEqualTo("{}");
        assertThat(sdk.callsButHealth()).containsExactly("POST /ready {}", "POST /shutdown {}");

        g.close();
        gateway = null;
        assertThat(sdk.count("/shutdown"))
                .as("asked once, not again at the gateway's stop")
                .isEqualTo(1);
    }

    @Test
    void shutdownWhenTheCrashLoopGuardGivesUp() throws Exception {
        sdk = FakeAgonesSdk.start();
        gateway = AgonesFixture.start(AgonesFixture.config(
                tmp.resolve("data"),
                sdk.port(),
                "sh -c 'echo starting; exit 3'",
                "restart = always, restart-backoff = 50ms, restart-max-failures = 2",
                ""));
        await().atMost(WAIT).until(() -> sdk.count("/shutdown") == 1);
        assertThat(gateway.status().state()).isEqualTo(ProcessState.FAILED);
        assertThat(gateway.status().restarts()).isEqualTo(2);
        assertThat(sdk.count("/ready")).isZero();
    }

    @Test
    void shutdownWhenTheGatewayStopsAndNoPingAfterIt() throws Exception {
        AgonesFixture g = echo("restart = always", "");
        g.print("Done (1s)");
        await().atMost(WAIT).until(() -> sdk.count("/ready") == 1);
        g.close();
        gateway = null;
        assertThat(sdk.count("/shutdown")).isEqualTo(1);
        List<FakeAgonesSdk.Call> calls = sdk.calls();
        assertThat(calls.get(calls.size() - 1).path()).isEqualTo("/shutdown");
    }

    @Test
    void joinsAndLeavesBecomeListValuesAndARestartClearsThem() throws Exception {
        AgonesFixture g = echo("restart = on-failure, restart-backoff = 200ms", PLAYERS);
        g.print("Done (1s)");
        g.print("alice joined the game");
        g.print("bob joined the game");
        g.print("carol joined the game");
        g.print("alice left the game");
        g.print("nobody left the game"); // never listed: nothing to remove
        await().atMost(WAIT).until(() -> sdk.listValues("players").equals(java.util.Set.of("bob", "carol")));

        g.print("exit 1");
        await().atMost(WAIT).until(() -> sdk.listValues("players").isEmpty());
        await().atMost(WAIT)
                .until(() -> g.status().restarts() == 1 && g.status().state() == ProcessState.RUNNING);
        g.print("Done (1s)");
        g.print("dave joined the game");
        await().atMost(WAIT).until(() -> sdk.listValues("players").equals(java.util.Set.of("dave")));

        // one lane per kind: the order holds within a kind
        assertThat(sdk.callsButHealth().stream().filter(c -> c.contains("/lists/")))
                .containsExactly(
                        "POST /v1beta1/lists/players:addValue {\"value\": \"alice\"}",
                        "POST /v1beta1/lists/players:addValue {\"value\": \"bob\"}",
                        "POST /v1beta1/lists/players:addValue {\"value\": \"carol\"}",
                        "POST /v1beta1/lists/players:removeValue {\"value\": \"alice\"}",
                        "POST /v1beta1/lists/players:removeValue {\"value\": \"bob\"}",
                        "POST /v1beta1/lists/players:removeValue {\"value\": \"carol\"}",
                        "POST /v1beta1/lists/players:addValue {\"value\": \"dave\"}");
        assertThat(sdk.count("/ready")).isEqualTo(2);
        assertThat(g.calls("add-value", "ok")).isEqualTo(4);
        assertThat(g.calls("remove-value", "ok")).isEqualTo(3);
    }

    @Test
    void aLabelComesFromTheFirstMatchOfItsPatternInEachRun() throws Exception {
        AgonesFixture g = echo(
                "restart = on-failure, restart-backoff = 200ms",
                "labels { map = \"Loading map (?<value>\\\\S+)\", mode = \"mode: (?<value>\\\\w+)\" }");
        g.print("Loading map dust2");
        g.print("mode: deathmatch");
        g.print("Loading map inferno"); // not the first match of this run
        g.print("Done (1s)");
        await().atMost(WAIT).until(() -> sdk.count("/ready") == 1);
        awaitMorePings(2);
        assertThat(sdk.callsButHealth().stream().filter(c -> c.contains("/metadata/")))
                .containsExactly(
                        "PUT /metadata/label {\"key\": \"map\", \"value\": \"dust2\"}",
                        "PUT /metadata/label {\"key\": \"mode\", \"value\": \"deathmatch\"}");

        g.print("exit 1");
        await().atMost(WAIT)
                .until(() -> g.status().restarts() == 1 && g.status().state() == ProcessState.RUNNING);
        g.print("Loading map nuke");
        await().atMost(WAIT).until(() -> "nuke".equals(sdk.labels().get("map")));
        assertThat(sdk.labels()).containsEntry("mode", "deathmatch");
    }

    @Test
    void withoutAReadyPatternReadyComesOnceTheProcessHasBeenUpForItsStartSeconds() throws Exception {
        sdk = FakeAgonesSdk.start();
        String config = AgonesFixture.config(
                        tmp.resolve("data"), sdk.port(), AgonesFixture.ECHO, "start-seconds = 700ms", "")
                .replace("ready-pattern = \"Done \\\\(\"", "");
        long started = System.nanoTime();
        gateway = AgonesFixture.start(config);
        await().atMost(WAIT).until(() -> sdk.count("/ready") == 1);
        assertThat(Duration.ofNanos(sdk.calls("/ready").get(0).atNanos() - started))
                .isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }

    @Test
    void theProcessesOwnReadyPatternIsTheDefault() throws Exception {
        sdk = FakeAgonesSdk.start();
        String config = AgonesFixture.config(
                        tmp.resolve("data"), sdk.port(), AgonesFixture.ECHO, "ready-pattern = \"^Listening\"", "")
                .replace("ready-pattern = \"Done \\\\(\"", "");
        gateway = AgonesFixture.start(config);
        gateway.awaitState(ProcessState.RUNNING);
        gateway.print("Done (1s)"); // the agones default would have been this; the process says otherwise
        awaitMorePings(3);
        assertThat(sdk.count("/ready")).isZero();
        gateway.print("Listening on port 25565");
        await().atMost(WAIT).until(() -> sdk.count("/ready") == 1);
    }
}
