package io.procgate.host;

import java.time.Instant;

/**
 * A snapshot of one named process, safe to read from any thread.
 *
 * @param pid the running process's pid, or -1 when it is not running
 * @param lastExit how the last run ended, or {@code null} while none has
 * @param nextLine the number the next line of output will get (the count of lines ever numbered: kept, or passed on
 *     live while the storage refused them)
 * @param lastError why the last start failed, or {@code null}
 * @param stats the live figures of the run, or {@code null} when it is not running or not sampled yet
 * @param limitProblem why a limit of the run could not be applied ({@code limits.required =
 *     false}), or {@code null}
 */
public record ProcessStatus(
        String name,
        ProcessState state,
        long pid,
        ExitStatus lastExit,
        long nextLine,
        String owner,
        String lastError,
        Instant since,
        int restarts,
        ProcessStats stats,
        String limitProblem) {

    /** A status without live figures or limit problems. */
    public ProcessStatus(
            String name,
            ProcessState state,
            long pid,
            ExitStatus lastExit,
            long nextLine,
            String owner,
            String lastError,
            Instant since,
            int restarts) {
        this(name, state, pid, lastExit, nextLine, owner, lastError, since, restarts, null, null);
    }

    public boolean running() {
        return state.isAlive();
    }
}
