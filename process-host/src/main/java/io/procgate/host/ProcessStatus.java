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
        int restarts) {

    public boolean running() {
        return state.isAlive();
    }
}
