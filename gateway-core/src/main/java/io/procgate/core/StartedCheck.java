package io.procgate.core;

import io.netty.buffer.ByteBuf;
import io.procgate.core.config.ProcessSettings;
import io.procgate.host.ExitStatus;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether one autostart process has started for real in its current run, as {@code /readyz}
 * counts it: with a {@code ready-pattern}, once the run printed a line matching it; without one,
 * once the run stayed up for {@code start-seconds} (supervisord's {@code startsecs}).
 *
 * <p>"Running" alone is not enough: a process that crash-loops is {@code running} for a few
 * milliseconds in every cycle. Subscribed to the process's lines before it is started (see {@link
 * ConfiguredProcesses}); the match is tied to the pid of the run that printed it, so a restart
 * makes the process not ready until its new run matches again.
 */
final class StartedCheck implements LineSubscriber {
    /** No run seen, or no match yet. */
    private static final long NONE = -1;

    private final String name;
    private final Pattern readyPattern;
    private final Duration startSeconds;
    /** The pid of the run whose lines arrive now (written on the process's loop). */
    private volatile long currentPid;

    private volatile long matchedPid = NONE;

    /**
     * @param runningPid the pid of a run already going on when the check is made (a reload), or
     *     -1: its later lines count for it
     */
    StartedCheck(String name, Pattern readyPattern, Duration startSeconds, long runningPid) {
        this.name = name;
        this.readyPattern = readyPattern;
        this.startSeconds = startSeconds;
        this.currentPid = runningPid;
    }

    static StartedCheck of(ProcessSettings p, long runningPid) {
        return new StartedCheck(p.name(), p.readyPattern(), p.startSeconds(), runningPid);
    }

    /** Whether {@code p} asks for the same check (a reload keeps a check that did not change). */
    boolean sameAs(ProcessSettings p) {
        String before = readyPattern == null ? null : readyPattern.pattern();
        String after = p.readyPattern() == null ? null : p.readyPattern().pattern();
        return Objects.equals(before, after) && startSeconds.equals(p.startSeconds());
    }

    /** Whether the check watches the process's lines at all. */
    boolean watchesLines() {
        return readyPattern != null;
    }

    String name() {
        return name;
    }

    @Override
    public void onStart(long pid) {
        currentPid = pid;
    }

    @Override
    public void onExit(ExitStatus status) {
        currentPid = NONE;
    }

    @Override
    public void onLine(long lineNumber, ByteBuf content) {
        long pid = currentPid;
        if (readyPattern == null || pid == NONE || matchedPid == pid) {
            return; // nothing to look for, or this run already matched: lines cost nothing more
        }
        if (readyPattern.matcher(content.toString(StandardCharsets.UTF_8)).find()) {
            matchedPid = pid;
        }
    }

    /** Empty when the process has started for real in its current run; else why not. */
    Optional<String> notReadyReason(Optional<ProcessStatus> status, Instant now) {
        if (status.isEmpty()) {
            return Optional.of("process " + name + " is not started");
        }
        ProcessStatus s = status.get();
        if (s.state() != ProcessState.RUNNING) {
            return Optional.of("process " + name + " is " + s.state().wireName());
        }
        if (readyPattern != null) {
            return matchedPid == s.pid()
                    ? Optional.empty()
                    : Optional.of("process " + name + " is running but printed no line matching its ready-pattern \""
                            + readyPattern.pattern() + "\" yet");
        }
        Duration up = s.since() == null ? Duration.ZERO : Duration.between(s.since(), now);
        return up.compareTo(startSeconds) >= 0
                ? Optional.empty()
                : Optional.of("process " + name + " is running for " + up.toMillis()
                        + " ms, less than its start-seconds (" + startSeconds.toMillis() + " ms)");
    }
}
