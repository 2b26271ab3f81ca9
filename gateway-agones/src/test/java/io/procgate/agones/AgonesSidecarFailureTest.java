package io.procgate.agones;

import static io.procgate.agones.AgonesFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.agones.testing.FakeAgonesSdk;
import io.procgate.core.testing.FreePorts;
import io.procgate.core.testing.LogCapture;
import io.procgate.host.HistorySlice;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sidecar that is not up yet, fails or hangs: calls are retried with backoff, one at a time per
 * kind, the failure is logged once per change, and the process and its pipes go on unaffected.
 */
class AgonesSidecarFailureTest extends GatewayAndSdkTest {
    private static final String FAILURE_LOG = SdkFailureLog.class.getName();
    /** A generous bound on an echo round trip through the child (stdin, then stdout to the history). */
    private static final Duration ROUND_TRIP = Duration.ofSeconds(3);

    private List<String> failureLines(LogCapture logs) {
        return logs.messages(FAILURE_LOG);
    }

    /** The process answers: a line written to its stdin is in its history within {@link #ROUND_TRIP}. */
    private void assertTheProcessAnswers(String marker) {
        long from = gateway.status().nextLine();
        gateway.print(marker);
        await().atMost(ROUND_TRIP).until(() -> historyFrom(from).contains(marker));
    }

    private String historyFrom(long line) {
        HistorySlice slice = gateway.gateway.host().read("game", line, 1 << 20).orElseThrow();
        try {
            return slice.data().toString(StandardCharsets.UTF_8);
        } finally {
            slice.release();
        }
    }

    @Test
    void aSidecarThatComesUpLateGetsTheCallsOnceItIsUp() throws Exception {
        int port = FreePorts.belowEphemeralRange();
        try (LogCapture logs = LogCapture.start()) {
            gateway = AgonesFixture.echo(tmp.resolve("data"), port, "", "");
            gateway.print("Done (1s)");
            await().atMost(WAIT).until(() -> gateway.calls("ready", "failed") >= 3);
            assertThat(gateway.calls("ready", "ok")).isZero();
            assertThat(failureLines(logs))
                    .singleElement()
                    .asString()
                    .startsWith("WARN agones: the SDK at 127.0.0.1:" + port + " fails: cannot connect");
            assertTheProcessAnswers("still here");

            sdk = FakeAgonesSdk.start(port);
            await().atMost(WAIT).until(() -> sdk.count("/ready") == 1 && sdk.count("/health") >= 2);
            await().atMost(WAIT).until(() -> failureLines(logs).size() == 2);
            assertThat(failureLines(logs).get(1))
                    .startsWith("INFO agones: the SDK at 127.0.0.1:" + port + " answers again");
            assertThat(gateway.calls("ready", "ok")).isEqualTo(1);
        }
        assertThat(sdk.count("/ready")).isEqualTo(1);
    }

    @Test
    void aSidecarAnswering500IsRetriedLoggedOnceAndTheProcessGoesOn() throws Exception {
        sdk = FakeAgonesSdk.start();
        sdk.mode(FakeAgonesSdk.Mode.FAIL_500);
        try (LogCapture logs = LogCapture.start()) {
            gateway = AgonesFixture.echo(tmp.resolve("data"), sdk.port(), "", "");
            gateway.print("Done (1s)");
            await().atMost(WAIT).until(() -> sdk.count("/ready") >= 4 && sdk.count("/health") >= 3);
            assertThat(failureLines(logs))
                    .singleElement()
                    .asString()
                    .contains("fails: HTTP 500")
                    .contains("retried with backoff");
            List<FakeAgonesSdk.Call> tries = sdk.calls("/ready");
            // backoff: the gaps between tries of the same call grow (50, 100, 200 ms ...)
            long firstGap = tries.get(1).atNanos() - tries.get(0).atNanos();
            long thirdGap = tries.get(3).atNanos() - tries.get(2).atNanos();
            assertThat(thirdGap).isGreaterThan(firstGap);
            assertTheProcessAnswers("unaffected by the SDK");

            sdk.mode(FakeAgonesSdk.Mode.AS_THE_SDK);
            await().atMost(WAIT).until(() -> gateway.calls("ready", "ok") == 1);
            await().atMost(WAIT).until(() -> failureLines(logs).size() == 2);
            assertThat(failureLines(logs).get(1)).contains("answers again");
            long triesBefore = sdk.count("/ready");
            long pings = sdk.count("/health");
            await().atMost(WAIT).until(() -> sdk.count("/health") >= pings + 3);
            assertThat(sdk.count("/ready")).as("no retry after the success").isEqualTo(triesBefore);
        }
        assertThat(gateway.calls("ready", "failed")).isGreaterThanOrEqualTo(4);
        assertThat(gateway.calls("health", "failed")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aSidecarThatHangsTimesOutOneCallPerKindAtATimeAndTheProcessGoesOn() throws Exception {
        sdk = FakeAgonesSdk.start("players");
        sdk.mode(FakeAgonesSdk.Mode.HANG);
        try (LogCapture logs = LogCapture.start()) {
            gateway = AgonesFixture.echo(
                    tmp.resolve("data"),
                    sdk.port(),
                    "",
                    "players { list = players, join = \"(?<player>\\\\w+) joined\", leave = \"(?<player>\\\\w+) left\" }");
            gateway.print("Done (1s)");
            gateway.print("alice joined");
            gateway.print("bob joined");
            await().atMost(WAIT).until(() -> sdk.count("/ready") >= 3 && sdk.count("/health") >= 3);
            assertTheProcessAnswers("unaffected by a hung SDK");
            assertThat(failureLines(logs)).singleElement().asString().contains("fails: no answer within 500 ms");
            // one in flight per kind: each try starts only after the one before timed out
            for (String path : List.of("/ready", "/health", "/v1beta1/lists/players:addValue")) {
                List<FakeAgonesSdk.Call> tries = sdk.calls(path);
                for (int i = 1; i < tries.size(); i++) {
                    assertThat(Duration.ofNanos(
                                    tries.get(i).atNanos() - tries.get(i - 1).atNanos()))
                            .as("%s try %d", path, i)
                            .isGreaterThanOrEqualTo(Duration.ofMillis(450));
                }
            }
            // the joins wait behind alice's hung call, in order
            assertThat(sdk.calls("/v1beta1/lists/players:addValue"))
                    .allSatisfy(c -> assertThat(c.body()).isEqualTo("{\"value\": \"alice\"}"));
            assertThat(gateway.calls("health", "ok")).isZero();

            sdk.mode(FakeAgonesSdk.Mode.AS_THE_SDK);
            await().atMost(WAIT).until(() -> sdk.listValues("players").equals(java.util.Set.of("alice", "bob")));
            await().atMost(WAIT).until(() -> gateway.calls("ready", "ok") == 1);
        }
        assertThat(dropped("health")).as("pings skipped while one was out").isPositive();
    }

    private double dropped(String call) {
        return gateway.droppedCalls(call);
    }
}
