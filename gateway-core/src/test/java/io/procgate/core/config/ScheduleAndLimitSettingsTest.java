package io.procgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procgate.core.GatewayConfig;
import io.procgate.core.schedule.ScheduleAction;
import io.procgate.core.schedule.ScheduleEntry;
import io.procgate.core.schedule.ScheduleWarning;
import io.procgate.host.ProcessLimits;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code time-zone}, {@code stats-interval}, and the per-process {@code schedules} and {@code limits}. */
class ScheduleAndLimitSettingsTest {
    private static GatewaySettings settings(String gatewayBody) {
        return GatewaySettings.from(GatewayConfig.parse("gateway { data-dir = \"d\"\n" + gatewayBody + " }"));
    }

    @Test
    void theContractsExampleReadsAsWritten() {
        GatewaySettings s = settings(String.join(
                "\n",
                "time-zone = \"Europe/Berlin\", stats-interval = 5s",
                "processes.game {",
                "  command = \"java -jar server.jar\", ready-pattern = \"Done\", start-seconds = 2s",
                "  schedules = [",
                "    { cron = \"0 4 * * *\", action = restart,",
                "      warn = [ { before = 1m, command = \"say Restart in 1 minute\" },",
                "               { before = 5m, command = \"say Restart in 5 minutes\" } ] }",
                "    { cron = \"@hourly\", action = command, command = \"save-all\" }",
                "  ]",
                "  limits { memory = 4 GiB, cpu = 2.0, pids = 512, open-files = 4096, required = true }",
                "}"));
        assertThat(s.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(s.statsInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.hostSettings().statsInterval()).isEqualTo(Duration.ofSeconds(5));
        ProcessSettings game = s.processes().get("game");
        assertThat(game.readyPattern().pattern()).isEqualTo("Done");
        assertThat(game.limits()).isEqualTo(new ProcessLimits(4L << 30, 2.0, 512, 4096, true));
        assertThat(game.spec(null).limits()).isEqualTo(game.limits());
        List<ScheduleEntry> entries = game.schedules();
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).cron().text()).isEqualTo("0 4 * * *");
        assertThat(entries.get(0).action()).isEqualTo(ScheduleAction.RESTART);
        assertThat(entries.get(0).warnings())
                .as("earliest first")
                .containsExactly(
                        new ScheduleWarning(Duration.ofMinutes(5), "say Restart in 5 minutes"),
                        new ScheduleWarning(Duration.ofMinutes(1), "say Restart in 1 minute"));
        assertThat(entries.get(1).action()).isEqualTo(ScheduleAction.COMMAND);
        assertThat(entries.get(1).command()).isEqualTo("save-all");
    }

    @Test
    void theDefaultsAreTheSystemZoneTwoSecondsNoScheduleAndNoLimit() {
        GatewaySettings s = settings("processes.p { command = cat }");
        assertThat(s.timeZone()).isEqualTo(ZoneId.systemDefault());
        assertThat(s.statsInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.processes().get("p").schedules()).isEmpty();
        assertThat(s.processes().get("p").limits()).isEqualTo(ProcessLimits.NONE);
        assertThat(settings("processes.p { command = cat, limits { cpu = 0.5 } }")
                        .processes()
                        .get("p")
                        .limits()
                        .required())
                .as("required by default")
                .isTrue();
    }

    @Test
    void mistakesAreOneLineNamingTheKey() {
        assertThatThrownBy(() -> settings("time-zone = \"Mars/Olympus\""))
                .hasMessageStartingWith("gateway.time-zone: expected \"system\" or an IANA zone");
        assertThatThrownBy(() -> settings("stats-interval = 10ms"))
                .hasMessageStartingWith("gateway.stats-interval: must be at least 100ms");
        assertThatThrownBy(() ->
                        settings("processes.p { command = cat, schedules = [ { cron = \"@daily\", action = nap } ] }"))
                .hasMessageStartingWith(
                        "gateway.processes.p.schedules.0.action: expected restart, stop, start or command, got \"nap\"");
        assertThatThrownBy(() -> settings(
                        "processes.p { command = cat, schedules = [ { cron = \"@daily\", action = command } ] }"))
                .hasMessageStartingWith("gateway.processes.p.schedules.0: action = command needs a command");
        assertThatThrownBy(() -> settings("processes.p { command = cat, schedules = [ { cron = \"@daily\","
                        + " action = start, warn = [ { before = 1m, command = x } ] } ] }"))
                .hasMessageStartingWith("gateway.processes.p.schedules.0: warn goes with action = restart or stop");
        assertThatThrownBy(() -> settings("processes.p { command = cat, schedules = [ { cron = \"@daily\","
                        + " action = stop, warn = [ { command = x } ] } ] }"))
                .hasMessageStartingWith("gateway.processes.p.schedules.0.warn.0.before: missing");
        assertThatThrownBy(() -> settings("processes.p { command = cat, schedules = [ { crom = \"@daily\" } ] }"))
                .hasMessageStartingWith("gateway.processes.p.schedules.0.crom: unknown key");
        assertThatThrownBy(() -> settings("processes.p { command = cat, limits { memroy = 1 GiB } }"))
                .hasMessageStartingWith("gateway.processes.p.limits.memroy: unknown key");
        assertThatThrownBy(() -> settings("processes.p { command = cat, limits { cpu = 0 } }"))
                .hasMessageStartingWith("gateway.processes.p.limits.cpu: must be positive");
    }
}
