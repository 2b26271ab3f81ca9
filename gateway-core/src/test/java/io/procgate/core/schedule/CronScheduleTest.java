package io.procgate.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The next runs cron-utils computes, checked where time zones and daylight saving make them tricky. */
class CronScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static ZonedDateTime next(String cron, String after, ZoneId zone) {
        return CronSchedule.parse(cron)
                .nextAfter(ZonedDateTime.parse(after).withZoneSameInstant(zone))
                .orElseThrow();
    }

    @Test
    void theNightlyRestartIsAtFourInTheZoneWhateverTheOffset() {
        assertThat(next("0 4 * * *", "2026-01-15T12:00:00Z", BERLIN).toInstant())
                .isEqualTo(ZonedDateTime.parse("2026-01-16T03:00:00Z").toInstant());
        assertThat(next("0 4 * * *", "2026-07-15T12:00:00Z", BERLIN).toInstant())
                .isEqualTo(ZonedDateTime.parse("2026-07-16T02:00:00Z").toInstant());
        assertThat(next("0 4 * * *", "2026-07-15T12:00:00Z", ZoneId.of("UTC")).toInstant())
                .isEqualTo(ZonedDateTime.parse("2026-07-16T04:00:00Z").toInstant());
    }

    @Test
    void aTimeThatTheSpringForwardSkipsDoesNotRunThatDay() {
        // 2026-03-29 in Berlin: 02:00 becomes 03:00, so 02:30 does not exist that night.
        ZonedDateTime run = next("30 2 * * *", "2026-03-28T12:00:00Z", BERLIN);
        assertThat(run.toLocalDateTime()).hasToString("2026-03-30T02:30");
        // A run after the gap is on time, at the new offset.
        assertThat(next("0 4 * * *", "2026-03-28T12:00:00Z", BERLIN).toOffsetDateTime())
                .hasToString("2026-03-29T04:00+02:00");
    }

    @Test
    void aTimeThatTheFallBackRepeatsRunsOnce() {
        // 2026-10-25 in Berlin: 03:00 goes back to 02:00, so 02:30 comes twice; it runs at the first.
        ZonedDateTime first = next("30 2 * * *", "2026-10-24T12:00:00Z", BERLIN);
        assertThat(first.toOffsetDateTime()).hasToString("2026-10-25T02:30+02:00");
        ZonedDateTime after = CronSchedule.parse("30 2 * * *").nextAfter(first).orElseThrow();
        assertThat(after.toLocalDate()).hasToString("2026-10-26");
    }

    @Test
    void theShortcutsAreCrontabsOwn() {
        String after = "2026-06-10T10:20:00Z";
        ZoneId utc = ZoneId.of("UTC");
        assertThat(next("@hourly", after, utc).toInstant()).hasToString("2026-06-10T11:00:00Z");
        assertThat(next("@daily", after, utc).toInstant()).hasToString("2026-06-11T00:00:00Z");
        assertThat(next("@weekly", after, utc).toInstant()).hasToString("2026-06-14T00:00:00Z"); // a Sunday
        assertThat(next("@monthly", after, utc).toInstant()).hasToString("2026-07-01T00:00:00Z");
        assertThat(next("@yearly", after, utc).toInstant()).hasToString("2027-01-01T00:00:00Z");
    }

    @Test
    void fiveFieldsWithListsRangesStepsAndNamedDays() {
        ZoneId utc = ZoneId.of("UTC");
        assertThat(next("*/15 * * * *", "2026-06-10T10:20:00Z", utc).toInstant())
                .hasToString("2026-06-10T10:30:00Z");
        assertThat(next("0 6 * * 1-5", "2026-06-12T07:00:00Z", utc).toInstant()) // Friday -> Monday
                .hasToString("2026-06-15T06:00:00Z");
        assertThat(next("0 6 * * SUN", "2026-06-12T07:00:00Z", utc).toInstant()).hasToString("2026-06-14T06:00:00Z");
    }

    @Test
    void badExpressionsSayWhy() {
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *")).hasMessage("Value 61 not in range [0, 59]");
        assertThatThrownBy(() -> CronSchedule.parse("0 4 * *"))
                .hasMessageContaining("contains 4 parts but we expect one of [5]");
        assertThatThrownBy(() -> CronSchedule.parse("@fortnightly")).hasMessageStartingWith("unknown shortcut");
        assertThatThrownBy(() -> CronSchedule.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
