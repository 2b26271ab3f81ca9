package io.procgate.core.config;

import io.procgate.core.schedule.ScheduleEntry;
import io.procgate.host.ProcessLimits;
import io.procgate.host.ProcessSpec;
import io.procgate.host.RestartPolicy;
import io.procgate.host.RunAs;
import io.procgate.host.Supervision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of {@code gateway.processes}: a process the configuration defines.
 *
 * @param path working directory, or null for the run-as user's home (or the gateway's directory)
 * @param owner the user who owns it, or null (then only admins see it)
 * @param stopCommand a line written to stdin to ask it to stop, or null
 * @param readyPattern a line of its output that says it is ready (checked per line), or null
 * @param startSeconds how long it must stay up before it counts as started (supervisord's {@code
 *     startsecs}), when it has no {@code readyPattern}
 * @param limits what it may use ({@code limits}); {@link ProcessLimits#NONE} when not set
 * @param schedules its {@code schedules}, in the order written
 */
public record ProcessSettings(
        String name,
        String command,
        List<String> argv,
        Path path,
        String owner,
        boolean autostart,
        RestartPolicy restart,
        Duration restartBackoff,
        int restartMaxFailures,
        Duration restartWindow,
        String stopCommand,
        Duration stopTimeout,
        Duration killGrace,
        boolean tty,
        Map<String, String> env,
        Pattern readyPattern,
        Duration startSeconds,
        ProcessLimits limits,
        List<ScheduleEntry> schedules) {

    /** How long a process without a ready-pattern must stay up to count as started, by default. */
    public static final Duration DEFAULT_START_SECONDS = Duration.ofSeconds(1);

    /** The keys a process entry may have (config.md). */
    public static final Set<String> KEYS = Set.of(
            "command",
            "path",
            "owner",
            "autostart",
            "restart",
            "restart-backoff",
            "restart-max-failures",
            "restart-window",
            "stop-command",
            "stop-timeout",
            "kill-grace",
            "tty",
            "env",
            "ready-pattern",
            "start-seconds",
            "schedules",
            "limits");

    /** The keys of a {@code schedules} entry. */
    public static final Set<String> SCHEDULE_KEYS = Set.of("cron", "action", "command", "warn");
    /** The keys of a {@code warn} entry. */
    public static final Set<String> WARN_KEYS = Set.of("before", "command");
    /** The keys of {@code limits}. */
    public static final Set<String> LIMIT_KEYS = Set.of("memory", "cpu", "pids", "open-files", "required");

    public ProcessSettings {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        limits = limits == null ? ProcessLimits.NONE : limits;
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
    }

    /** How the host keeps this entry up: restart policy, backoff (doubling up to 60 s), crash-loop guard. */
    public Supervision supervision() {
        return new Supervision(
                restart, restartBackoff, Supervision.DEFAULT_MAX_BACKOFF, restartMaxFailures, restartWindow);
    }

    /** What the host runs for this entry, as {@code runAs} (null: the gateway's own user). */
    public ProcessSpec spec(RunAs runAs) {
        return ProcessSpec.of(argv)
                .withWorkingDirectory(path)
                .withEnvironment(env)
                .withRunAs(runAs)
                .withStop(stopCommand, stopTimeout, killGrace)
                .withTty(tty)
                .withLimits(limits);
    }
}
