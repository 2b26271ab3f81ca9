package io.procgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code status -l} writes the figures of a {@code stats} answer. */
class StatsTableTest {

    @Test
    void figuresAreWrittenForPeople() {
        assertThat(StatsTable.cores("0.981")).isEqualTo("0.98");
        assertThat(StatsTable.cores("2.000")).isEqualTo("2.00");
        assertThat(StatsTable.bytes("512")).isEqualTo("512B");
        assertThat(StatsTable.bytes("1536")).isEqualTo("1.5K");
        assertThat(StatsTable.bytes("222298112")).isEqualTo("212M");
        assertThat(StatsTable.bytes("5368709120")).isEqualTo("5.0G");
        assertThat(StatsTable.duration("42")).isEqualTo("42s");
        assertThat(StatsTable.duration("307")).isEqualTo("5m07s");
        assertThat(StatsTable.duration("3725")).isEqualTo("1h02m");
        assertThat(StatsTable.duration("273600")).isEqualTo("3d04h");
    }

    @Test
    void whatTheGatewayDidNotSendIsADash() {
        assertThat(StatsTable.cores(null)).isEqualTo("-");
        assertThat(StatsTable.bytes("lots")).isEqualTo("-");
        assertThat(StatsTable.duration("-5")).isEqualTo("-");
    }

    @Test
    void oneRowPerProcessUnderAHeaderWithHowTheLastRunEnded() {
        StatsTable table = new StatsTable();
        table.add(
                "myserver",
                "running",
                Map.of("cpu", "0.981", "rss", "222298112", "threads", "41", "fds", "96", "uptime", "3725"));
        table.add("oneshot", "not-running", Map.of("signal", "SIGKILL", "reason", "memory limit"));
        table.add("x", "unknown", Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        table.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("NAME      STATE         CPU   RSS  THREADS  FDS  UPTIME  NOTE\n"
                        + "myserver  running      0.98  212M       41   96   1h02m\n"
                        + "oneshot   not-running     -     -        -    -       -  signal SIGKILL (memory limit)\n"
                        + "x         unknown         -     -        -    -       -\n");
    }
}
