package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.procgate.core.control.HostProcessControl;
import io.procgate.core.schedule.ScheduledRun;
import io.procgate.core.testing.LogCapture;
import io.procgate.host.LineSubscriber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules run by a real gateway on real children, with a clock set a few seconds before the run
 * (it goes on at the wall clock's pace, so a nightly 04:00 comes within the test).
 */
class ScheduleGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Echoes every stdin line as "got LINE"; exits on "stop" (its stop command). */
    private static final String ECHO =
            "sh -c 'echo up; while read l; do echo \"got $l\"; [ \"$l\" = stop ] && exit 0; done'";

    @TempDir
    Path tmp;

    /** A line or a start, with the scheduler's time when it came. */
    private record Event(Instant at, String what) {}

    /** Records the process's output and starts at the clock's time. */
    private static final class Recorder implements LineSubscriber {
        final Clock clock;
        final List<Event> events = new CopyOnWriteArrayList<>();

        Recorder(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void onLine(long lineNumber, ByteBuf content) {
            events.add(new Event(clock.instant(), content.toString(StandardCharsets.UTF_8)));
        }

        @Override
        public void onStart(long pid) {
            events.add(new Event(clock.instant(), "started"));
        }

        long count(String what) {
            return events.stream().filter(e -> e.what().equals(what)).count();
        }

        Instant when(String what) {
            return events.stream()
                    .filter(e -> e.what().equals(what))
                    .findFirst()
                    .orElseThrow()
                    .at();
        }

        List<String> whats() {
            return events.stream().map(Event::what).toList();
        }
    }

    private String config(String zone, String schedules) {
        return "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s,"
                + " allow-root-children = true, time-zone = \"" + zone + "\"\n"
                + " processes.game { command = \"" + ECHO.replace("\\", "\\\\").replace("\"", "\\\"") + "\","
                + " autostart = true, stop-command = stop, stop-timeout = 5s\n"
                + " schedules = " + schedules + " } }\n";
    }

    /**
     * A clock that stands at {@code start} until {@link #go()}, then runs at the wall clock's pace:
     * the gateway arms its schedules at {@code start} however long it takes to start.
     */
    private static final class TestClock extends Clock {
        private final Instant start;
        private volatile long goNanos;
        private volatile boolean going;

        TestClock(Instant start) {
            this.start = start;
        }

        void go() {
            goNanos = System.nanoTime();
            going = true;
        }

        @Override
        public Instant instant() {
            return going ? start.plusNanos(System.nanoTime() - goNanos) : start;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new IllegalArgumentException("a test clock stays in UTC");
        }
    }

    private static Recorder recordGame(Gateway gateway, Clock clock) {
        Recorder rec = new Recorder(clock);
        gateway.host().subscribe("game", rec);
        await().atMost(WAIT)
                .until(() -> gateway.host().status("game").map(s -> s.running()).orElse(false));
        return rec;
    }

    @Test
    void theNightlyRestartInTheConfiguredZoneWarnsAtItsOffsetsInOrderThenRestartsAsTheScheduleUser() {
        // 04:00 in Berlin in June is 02:00 UTC: five seconds after the clock starts.
        Instant run = Instant.parse("2026-06-01T02:00:00Z");
        TestClock clock = new TestClock(run.minusSeconds(5));
        String schedules = "[ { cron = \"0 4 * * *\", action = restart, warn = ["
                + " { before = 4s, command = \"say Restart in 4 seconds\" },"
                + " { before = 2s, command = \"say Restart in 2 seconds\" } ] } ]";
        try (LogCapture logs = LogCapture.start();
                Gateway gateway = Gateway.start(GatewayConfig.parse(config("Europe/Berlin", schedules)), null, clock)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            gateway.metrics().registry().add(meters);
            Recorder rec = recordGame(gateway, clock);
            clock.go();
            assertThat(meters.get("procgate.schedule.next.run")
                            .tags("process", "game", "action", "restart")
                            .gauge()
                            .value())
                    .isEqualTo(run.getEpochSecond());
            long firstPid = gateway.host().status("game").orElseThrow().pid();

            // The recorder may or may not see the first run's start and "up" (autostart races the
            // subscription): wait for the run that follows the stop.
            await().atMost(WAIT).until(() -> {
                List<String> seen = rec.whats();
                int stop = seen.indexOf("got stop");
                return stop >= 0 && seen.lastIndexOf("started") > stop && seen.lastIndexOf("up") > stop;
            });
            assertThat(rec.whats())
                    .containsSubsequence(
                            "got say Restart in 4 seconds",
                            "got say Restart in 2 seconds",
                            "got stop",
                            "started",
                            "up");
            assertThat(rec.when("got say Restart in 4 seconds")).isAfterOrEqualTo(run.minusSeconds(4));
            assertThat(rec.when("got say Restart in 2 seconds"))
                    .isAfterOrEqualTo(run.minusSeconds(2))
                    .isBefore(run);
            assertThat(rec.when("got stop")).isAfterOrEqualTo(run);
            assertThat(gateway.host().status("game").orElseThrow().pid()).isNotEqualTo(firstPid);

            Instant tomorrow = run.plus(Duration.ofDays(1));
            assertThat(gateway.schedules().of("game"))
                    .containsExactly(new ScheduledRun("0 4 * * *", "restart", tomorrow));
            assertThat(meters.get("procgate.schedule.next.run")
                            .tags("process", "game", "action", "restart")
                            .gauge()
                            .value())
                    .isEqualTo(tomorrow.getEpochSecond());
            List<String> audit = logs.messages(HostProcessControl.AUDIT_LOGGER);
            assertThat(audit)
                    .anyMatch(l -> l.startsWith("INFO command user=schedule:game ") && l.contains("result=OK"))
                    .anyMatch(l -> l.startsWith("INFO kill user=schedule:game ") && l.contains("result=OK"))
                    .anyMatch(l -> l.startsWith("INFO start user=schedule:game ") && l.contains("result=OK"));
        }
    }

    @Test
    void aReloadBeforeAndAfterTheRunFiresItOnce() {
        Instant minute = Instant.parse("2026-06-01T12:00:00Z");
        TestClock clock = new TestClock(minute.minusSeconds(3));
        String every = "[ { cron = \"* * * * *\", action = command, command = save-all } ]";
        String more = "[ { cron = \"* * * * *\", action = command, command = save-all },"
                + " { cron = \"@hourly\", action = command, command = \"say hourly\" } ]";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(config("UTC", every)), null, clock)) {
            Recorder rec = recordGame(gateway, clock);
            clock.go();
            gateway.reload(GatewayConfig.parse(config("UTC", every)));
            gateway.reload(GatewayConfig.parse(config("UTC", more)));
            await().atMost(WAIT).until(() -> rec.count("got save-all") >= 1);
            assertThat(rec.whats()).containsOnlyOnce("got save-all");
            gateway.reload(GatewayConfig.parse(config("UTC", every)));
            gateway.reload(GatewayConfig.parse(config("UTC", more)));

            assertThat(gateway.schedules().of("game"))
                    .containsExactly(
                            new ScheduledRun("* * * * *", "command", minute.plusSeconds(60)),
                            new ScheduledRun("@hourly", "command", minute.plusSeconds(3600)));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> rec.count("got save-all") == 1);
            assertThat(rec.when("got save-all")).isAfterOrEqualTo(minute);
        }
    }

    @Test
    void aBadExpressionFailsTheStartWithOneLineNamingTheProcessAndTheExpression() {
        String bad = "[ { cron = \"61 * * * *\", action = restart } ]";
        assertThatThrownBy(() -> Gateway.start(GatewayConfig.parse(config("UTC", bad))))
                .isInstanceOf(com.typesafe.config.ConfigException.class)
                .hasMessage("gateway.processes.game.schedules.0.cron: process game: invalid cron expression"
                        + " \"61 * * * *\": Value 61 not in range [0, 59] (line 3)");
    }

    @Test
    void aBadExpressionFailsTheReloadAndTheSchedulesInForceStay() {
        Instant minute = Instant.parse("2026-06-01T12:00:00Z");
        TestClock clock = new TestClock(minute.minusSeconds(30));
        String good = "[ { cron = \"@daily\", action = stop } ]";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(config("UTC", good)), null, clock)) {
            String bad = "[ { cron = \"0 4 * *\", action = stop } ]";
            assertThatThrownBy(() -> gateway.reload(GatewayConfig.parse(config("UTC", bad))))
                    .isInstanceOf(com.typesafe.config.ConfigException.class)
                    .hasMessageStartingWith(
                            "gateway.processes.game.schedules.0.cron: process game: invalid cron expression \"0 4 * *\":")
                    .message()
                    .doesNotContain("\n");
            assertThat(gateway.schedules().of("game"))
                    .containsExactly(new ScheduledRun("@daily", "stop", Instant.parse("2026-06-02T00:00:00Z")));
        }
    }
}
