package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.core.schedule.CronSchedule;
import io.procgate.host.ProcessStats;
import io.procgate.host.limits.Cgroups;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedules, live figures and limit kills of docs/web.md in the JSON API and on the console socket. */
class LiveFiguresApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MIB = 1L << 20;

    @TempDir
    Path tmp;

    private Gateway gateway;

    private WebClient start(String processes) throws Exception {
        String conf = "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s,"
                + " allow-root-children = true, time-zone = UTC, stats-interval = 300ms\n"
                + " http { host = \"127.0.0.1\", port = 0 }\n"
                + " users { root { password = \"root-pw\", admin = true } }\n"
                + " processes { " + processes + " } }";
        gateway = Gateway.start(GatewayConfig.parse(conf));
        WebClient c = new WebClient("http://127.0.0.1:"
                + ((InetSocketAddress) gateway.boundAddresses("http").get(0)).getPort());
        assertThat(c.login("root", "root-pw").statusCode()).isEqualTo(200);
        return c;
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static Instant next(String cron, Instant after) {
        return CronSchedule.parse(cron)
                .nextAfter(ZonedDateTime.ofInstant(after, ZoneOffset.UTC))
                .orElseThrow()
                .toInstant();
    }

    @Test
    void aRunningProcessShowsItsSchedulesWithTheirNextRunsAndItsLiveFigures() throws Exception {
        Instant before = Instant.now();
        WebClient c = start("hog { autostart = true,"
                + " command = \"perl -e '$x = q(a); $x x= 50*1024*1024; $t = time; while (time - $t < 60) { $i++ }'\","
                + " schedules = [ { cron = \"0 4 * * *\", action = restart,"
                + " warn = [ { before = 5m, command = \"say soon\" } ] },"
                + " { cron = \"@hourly\", action = command, command = save-all } ] }");
        // the first figures may come before perl has allocated its 50 MB
        await().atMost(WAIT).until(() -> {
            JsonNode figures = WebClient.json(c.get("/api/processes/hog")).get("stats");
            return figures != null && figures.get("rss").asLong() > 50 * MIB;
        });
        JsonNode view = WebClient.json(c.get("/api/processes/hog"));
        Instant after = Instant.now();

        JsonNode schedules = view.get("schedules");
        assertThat(schedules).hasSize(2);
        assertThat(schedules.get(0).get("cron").asText()).isEqualTo("0 4 * * *");
        assertThat(schedules.get(0).get("action").asText()).isEqualTo("restart");
        assertThat(Instant.parse(schedules.get(0).get("next").asText()))
                .isIn(next("0 4 * * *", before), next("0 4 * * *", after));
        assertThat(schedules.get(1).get("action").asText()).isEqualTo("command");
        assertThat(Instant.parse(schedules.get(1).get("next").asText()))
                .isIn(next("@hourly", before), next("@hourly", after));

        JsonNode stats = view.get("stats");
        ProcessStats host = gateway.host().status("hog").orElseThrow().stats();
        assertThat(stats.get("rss").asLong()).isGreaterThan(50 * MIB);
        assertThat(stats.get("threads").asInt()).isEqualTo(1);
        assertThat(stats.get("fds").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(stats.get("cpu").asDouble()).isBetween(0.0, 1.3);
        assertThat(stats.get("uptime").asLong()).isBetween(0L, (long) host.uptimeSeconds() + 1);

        String metrics = c.get("/metrics").body();
        assertThat(metrics)
                .containsPattern("(?m)^procgate_process_cpu_seconds_total\\{process=\"hog\"\\} \\d")
                .containsPattern("(?m)^procgate_process_resident_memory_bytes\\{process=\"hog\"\\} \\d")
                .contains("procgate_schedule_next_run_seconds{action=\"restart\",process=\"hog\"} ")
                .contains("procgate_schedule_next_run_seconds{action=\"command\",process=\"hog\"} ");

        WebClient.Console console = c.console("/api/processes/hog/console");
        JsonNode frame = console.next("stats");
        assertThat(frame.get("rss").asLong()).isGreaterThan(50 * MIB);
        assertThat(frame.get("threads").asInt()).isEqualTo(1);
        for (String field : new String[] {"cpu", "fds", "uptime"}) {
            assertThat(frame.has(field)).as(field).isTrue();
        }
        assertThat(console.next("stats").get("uptime").asLong())
                .isGreaterThanOrEqualTo(frame.get("uptime").asLong());

        assertThat(c.post("/api/processes/hog/stop", "{}").statusCode()).isEqualTo(200);
        await().atMost(WAIT)
                .until(() -> !WebClient.json(c.get("/api/processes/hog"))
                        .get("state")
                        .asText()
                        .equals("running"));
        await().atMost(WAIT)
                .until(() -> WebClient.json(c.get("/api/processes/hog"))
                        .get("state")
                        .asText()
                        .equals("exited"));
        assertThat(WebClient.json(c.get("/api/processes/hog")).has("stats")).isFalse();
    }

    @Test
    void aProcessKilledForPassingItsMemoryLimitSaysSoInTheApiAndOnTheConsole() throws Exception {
        assumeThat(Cgroups.detect().offersAll())
                .as("this machine offers memory, cpu and pids cgroup controllers")
                .isTrue();
        WebClient c = start("leak { limits { memory = 64 MiB },"
                + " command = \"perl -e '$x = q(a); $x x= 200*1024*1024; sleep 60'\" }");
        WebClient.Console console = c.console("/api/processes/leak/console");
        assertThat(console.next("state").get("state").asText()).isEqualTo("exited");
        assertThat(c.post("/api/processes/leak/start", "{}").statusCode()).isEqualTo(200);
        JsonNode state;
        do {
            state = console.next("state");
        } while (!state.get("state").asText().equals("exited"));
        assertThat(state.get("signal").asText()).isEqualTo("SIGKILL");
        assertThat(state.get("reason").asText()).isEqualTo("memory limit");

        JsonNode view = WebClient.json(c.get("/api/processes/leak"));
        assertThat(view.get("state").asText()).isEqualTo("exited");
        assertThat(view.get("signal").asText()).isEqualTo("SIGKILL");
        assertThat(view.get("reason").asText()).isEqualTo("memory limit");
        assertThat(view.get("schedules")).isEmpty();
        assertThat(c.get("/metrics").body()).contains("procgate_process_limit_kills_total{process=\"leak\"} 1.0");
    }
}
