package io.procgate.core.control;

import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessStatus;
import io.procgate.host.Subscription;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Actions on processes as a user: the meaning of tcprocd's commands (tcprocd spec, sections 5 and
 * 6), shared by every protocol that has users. Checks names and permissions (a user acts on its own
 * processes, an admin on all), picks the run-as account, refuses root children unless allowed, and
 * writes an audit line for every start, kill, command and attach with the user and peer.
 *
 * <p>Thread-safe; futures complete on an event loop, so callers must not block in them.
 */
public interface ProcessControl {

    /** Process names: one namespace for the whole gateway. */
    Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The longest process name, as in {@link #NAME}. */
    int MAX_NAME_LENGTH = 64;

    /** Whether {@code name} matches {@link #NAME}; checked by hand, as it is on every request. */
    static boolean isValidName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Names of the running processes the caller may see (an admin: all), sorted. */
    List<String> list(Caller caller);

    /**
     * Starts {@code commandLine} (split by POSIX quoting rules, no shell) under {@code name} in
     * {@code path} (empty or null: the run-as user's home, or the gateway's working directory).
     *
     * @return OK, EXISTS, PERMISSION_DENIED (another user's name, or root refused), UNKNOWN (cannot
     *     execute; reason logged and kept for status), ERROR (invalid name or unparseable command line)
     */
    CompletionStage<ControlStatus> start(Caller caller, String name, String commandLine, String path);

    /** Begins a graceful stop. OK, OFFLINE (not running), PERMISSION_DENIED, ERROR. */
    CompletionStage<ControlStatus> kill(Caller caller, String name);

    /** Writes {@code line} plus {@code \n} to stdin. OK, OFFLINE, PERMISSION_DENIED, ERROR, UNKNOWN (stdin full). */
    ControlStatus command(Caller caller, String name, byte[] line);

    /**
     * Reads at most {@code maxBytes} of history from {@code fromLine}, ending on a line boundary
     * (at least one line, even if longer). OFFLINE if the name was never known.
     */
    Outcome<HistorySlice> cat(Caller caller, String name, long fromLine, long maxBytes);

    /** A process's status. OFFLINE if never known. */
    Outcome<ProcessStatus> status(Caller caller, String name);

    /** Subscribes to a running process's output. OFFLINE if it is not running. */
    Outcome<Subscription> attach(Caller caller, String name, LineSubscriber subscriber);

    /** Every process the caller may see, running or not (an admin: all), sorted by name. */
    List<ProcessStatus> statuses(Caller caller);

    /**
     * Kills the process group at once with SIGKILL (no stop command, no grace). OK, OFFLINE (not
     * running), PERMISSION_DENIED, ERROR.
     */
    CompletionStage<ControlStatus> forceKill(Caller caller, String name);

    /**
     * A graceful stop if it runs, then a start: a declared name as declared, any other with the
     * command, owner and supervision of its last start. OK, OFFLINE (neither declared nor started
     * in this run), EXISTS (being started already), PERMISSION_DENIED, ERROR, UNKNOWN.
     */
    CompletionStage<ControlStatus> restart(Caller caller, String name);

    /**
     * Subscribes to a process's output whether it runs now or not, across its later runs (a console
     * that stays open over restarts). OFFLINE if the name was never known, PERMISSION_DENIED, ERROR.
     */
    Outcome<Subscription> watch(Caller caller, String name, LineSubscriber subscriber);
}
