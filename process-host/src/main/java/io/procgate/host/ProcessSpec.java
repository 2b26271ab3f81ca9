package io.procgate.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run under a name: the arguments (already split, never run through a shell), where, with
 * which extra environment, as whom, and how to stop it.
 *
 * @param workingDirectory {@code null}: the run-as user's home, or the gateway's working directory
 * @param runAs {@code null}: the gateway's own user
 * @param stopCommand a line written to stdin to ask the program to stop, or {@code null}
 * @param stopTimeout how long the stop command may take before SIGTERM
 * @param killGrace SIGTERM to SIGKILL
 * @param tty run under a pseudo-terminal (for programs that buffer output on pipes)
 * @param limits what the child may use (cgroup and rlimits); {@link ProcessLimits#NONE} for nothing
 */
public record ProcessSpec(
        List<String> argv,
        Path workingDirectory,
        Map<String, String> environment,
        RunAs runAs,
        String stopCommand,
        Duration stopTimeout,
        Duration killGrace,
        boolean tty,
        ProcessLimits limits) {

    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);

    public ProcessSpec {
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        stopTimeout = stopTimeout == null ? DEFAULT_STOP_TIMEOUT : stopTimeout;
        killGrace = killGrace == null ? DEFAULT_KILL_GRACE : killGrace;
        if (stopCommand != null && stopCommand.isEmpty()) {
            stopCommand = null;
        }
        limits = limits == null ? ProcessLimits.NONE : limits;
    }

    /** A spec without limits. */
    public ProcessSpec(
            List<String> argv,
            Path workingDirectory,
            Map<String, String> environment,
            RunAs runAs,
            String stopCommand,
            Duration stopTimeout,
            Duration killGrace,
            boolean tty) {
        this(argv, workingDirectory, environment, runAs, stopCommand, stopTimeout, killGrace, tty, ProcessLimits.NONE);
    }

    /** A spec with defaults for everything but the arguments. */
    public static ProcessSpec of(List<String> argv) {
        return new ProcessSpec(argv, null, Map.of(), null, null, null, null, false);
    }

    /** Splits {@code commandLine} by POSIX quoting rules (see {@link CommandLine}). */
    public static ProcessSpec of(String commandLine) {
        return of(CommandLine.split(commandLine));
    }

    public ProcessSpec withWorkingDirectory(Path dir) {
        return new ProcessSpec(argv, dir, environment, runAs, stopCommand, stopTimeout, killGrace, tty, limits);
    }

    public ProcessSpec withRunAs(RunAs user) {
        return new ProcessSpec(
                argv, workingDirectory, environment, user, stopCommand, stopTimeout, killGrace, tty, limits);
    }

    public ProcessSpec withEnvironment(Map<String, String> env) {
        return new ProcessSpec(argv, workingDirectory, env, runAs, stopCommand, stopTimeout, killGrace, tty, limits);
    }

    public ProcessSpec withStop(String command, Duration timeout, Duration grace) {
        return new ProcessSpec(argv, workingDirectory, environment, runAs, command, timeout, grace, tty, limits);
    }

    public ProcessSpec withTty(boolean useTty) {
        return new ProcessSpec(
                argv, workingDirectory, environment, runAs, stopCommand, stopTimeout, killGrace, useTty, limits);
    }

    public ProcessSpec withLimits(ProcessLimits newLimits) {
        return new ProcessSpec(
                argv, workingDirectory, environment, runAs, stopCommand, stopTimeout, killGrace, tty, newLimits);
    }

    public String commandLine() {
        return CommandLine.join(argv);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessSpec other
                && argv.equals(other.argv)
                && Objects.equals(workingDirectory, other.workingDirectory)
                && environment.equals(other.environment)
                && Objects.equals(runAs, other.runAs)
                && Objects.equals(stopCommand, other.stopCommand)
                && stopTimeout.equals(other.stopTimeout)
                && killGrace.equals(other.killGrace)
                && tty == other.tty
                && limits.equals(other.limits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                argv, workingDirectory, environment, runAs, stopCommand, stopTimeout, killGrace, tty, limits);
    }
}
