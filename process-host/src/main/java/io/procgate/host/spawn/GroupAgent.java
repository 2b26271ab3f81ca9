package io.procgate.host.spawn;

import io.procgate.host.Signals;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived shell that signals the children's process groups for the gateway, and kills
 * whatever of them is left if the gateway dies.
 *
 * <p>The JDK can signal a single pid but not a process group; a {@code kill} spawned per signal
 * costs milliseconds on an event loop. So the gateway keeps one {@code sh} reading commands from a
 * pipe: {@code SIG PGID} signals a group with the shell's built-in {@code kill} (no fork),
 * {@code + PGID} / {@code - PGID} maintain the list of live groups.
 *
 * <p>A child makes its group itself ({@code setsid} runs a moment after the JDK's spawn returns), so
 * a signal sent at once to a just-started child may find no group yet: {@link #signalRun} then
 * signals the leader's pid, which is safe only while the leader is known not to have been reaped.
 *
 * <p>The parent-death signal reaches only each direct child, so what a child started in the
 * background would be orphaned when the gateway dies. The pipe's write end is held by the gateway
 * alone: when it dies, however it dies (even {@code kill -9}), the shell reads end-of-file and
 * SIGKILLs every group still listed. A clean shutdown removes every group first, so the shell then
 * kills nothing.
 */
public final class GroupAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupAgent.class);

    // POSIX sh with only built-ins, so that no command costs a fork.
    private static final String SCRIPT = String.join(
            "\n",
            "trap '' INT TERM HUP",
            "groups=''",
            "while read -r op group leader; do",
            "  case \"$op\" in",
            "    +) groups=\"$groups $group\" ;;",
            "    -) kept=''; for g in $groups; do [ \"$g\" = \"$group\" ] || kept=\"$kept $g\"; done; groups=$kept ;;",
            "    *) kill -s \"$op\" -- \"-$group\" 2>/dev/null"
                    + " || { [ \"$leader\" = leader ] && kill -s \"$op\" \"$group\" 2>/dev/null; } ;;",
            "  esac",
            "done",
            "for g in $groups; do kill -s KILL -- \"-$g\" 2>/dev/null; done",
            "");

    private final Process shell;
    private final OutputStream commands;

    private GroupAgent(Process shell) {
        this.shell = shell;
        this.commands = shell.getOutputStream();
    }

    /** Starts the agent in a session of its own (a terminal's Ctrl-C must not reach it). */
    public static GroupAgent start() {
        try {
            Process shell = new ProcessBuilder("setsid", "sh", "-c", SCRIPT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return new GroupAgent(shell);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the process-group agent shell", e);
        }
    }

    /** A new process group to kill if the gateway dies. */
    public void add(long pgid) {
        send("+ " + pgid);
    }

    /** A group that is gone (or that the gateway itself finished off). */
    public void remove(long pgid) {
        send("- " + pgid);
    }

    /** Sends {@code signal} to every process of group {@code pgid}; a group already gone is not an error. */
    public void signal(long pgid, int signal) {
        send(signalCommand(pgid, signal));
    }

    /**
     * Sends {@code signal} to the group that the child {@code pgid} leads, or to the child itself
     * while it has not made its group yet. Only for a child that has not been reaped: its pid cannot
     * belong to another process then.
     */
    public void signalRun(long pgid, int signal) {
        send(signalCommand(pgid, signal) + " leader");
    }

    private static String signalCommand(long pgid, int signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        return Signals.name(signal).substring("SIG".length()) + " " + pgid;
    }

    private synchronized void send(String line) {
        try {
            // A few bytes into a pipe the shell drains at once: this does not block in practice.
            commands.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            commands.flush();
        } catch (IOException e) {
            LOG.error("the process-group agent is gone; cannot '{}': {}", line, e.toString());
        }
    }

    /** Ends the agent after a clean stop (every group removed: it kills nothing). */
    @Override
    public synchronized void close() {
        try {
            commands.close();
        } catch (IOException ignored) {
            // It has exited already.
        }
        shell.onExit().join();
    }
}
