package io.procgate.host;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Hosts named child processes: starts and stops them, keeps every line they print in a persistent
 * numbered history, writes to their stdin and streams their output to live subscribers. Knows
 * nothing of protocols, users or configuration files.
 *
 * <p>All methods are thread-safe and never block on a child. Futures complete on the event loop
 * that serves the process; callers must not block in their callbacks.
 */
public interface ProcessHost extends AutoCloseable {

    /**
     * Starts {@code spec} under {@code name}, recording {@code owner} (null: keep the recorded
     * owner, if any). A name that exited before may be started again: its history goes on, its
     * line numbers keep counting.
     */
    default CompletableFuture<StartResult> start(String name, ProcessSpec spec, String owner) {
        return start(name, spec, owner, Supervision.NONE);
    }

    /**
     * Starts {@code spec} under {@code name} and keeps it up as {@code supervision} says: restarted
     * after exits it was not asked for, with growing delays, until the crash-loop guard gives up.
     */
    CompletableFuture<StartResult> start(String name, ProcessSpec spec, String owner, Supervision supervision);

    /**
     * Begins a graceful stop of the whole process group: the spec's stop command if it has one
     * (then SIGTERM after its stop timeout), else SIGTERM at once; SIGKILL after the kill grace.
     * Completes as soon as the stop has begun.
     */
    CompletableFuture<StopResult> stop(String name);

    /**
     * Kills the whole process group at once with SIGKILL, skipping the stop command and the grace
     * period (a hung server). Like {@link #stop}, it is not restarted by its supervisor. Completes
     * as soon as the signal is sent.
     */
    CompletableFuture<StopResult> kill(String name);

    /**
     * Stops the named process gracefully (as {@link #stop}) if it runs, then starts it again with
     * the command, owner and supervision of its last start. Completes once it has started again:
     * {@link StartResult#failed} when the host never started that name in this run, {@link
     * StartResult#exists} when it is just being started or restarted already.
     */
    CompletableFuture<StartResult> restart(String name);

    /** Completes when the named process is not running (at once if it is not). */
    CompletableFuture<Void> whenStopped(String name);

    /** Every name the host knows (running, exited, or only with a history), sorted by name. */
    List<ProcessStatus> list();

    /** The status of {@code name}, or empty if the host has never known it. */
    Optional<ProcessStatus> status(String name);

    /** Writes {@code line} followed by {@code \n} to the process's stdin, within the stdin bound. */
    StdinResult writeStdin(String name, byte[] line);

    /**
     * Reads history from {@code fromLine}: whole lines, at most {@code maxBytes} of data (but
     * always at least one line if there is one), up to the last complete line. Past the end: an
     * empty slice. Empty if the host has never known {@code name}.
     */
    Optional<HistorySlice> read(String name, long fromLine, long maxBytes);

    /**
     * Subscribes to every line {@code name} prints from now on, in this run and later ones; the
     * name need not be known yet. Close the subscription to stop.
     */
    Subscription subscribe(String name, LineSubscriber subscriber);

    /** Stops every running child in parallel (graceful, then killed at the deadline) and closes histories. */
    @Override
    void close();
}
