package io.procgate.host.spawn;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no child's process group outlives the gateway, even after {@code kill -9}.
 *
 * <p>The parent-death signal reaches only each direct child; what a child started in the
 * background would be orphaned. So the gateway runs one small shell that reads the live process
 * groups ({@code +PGID} / {@code -PGID} lines) from a pipe whose write end only the gateway holds.
 * When the gateway dies, however it dies, the pipe closes and the shell SIGKILLs every group still
 * listed. A clean shutdown removes every group first, so the shell then kills nothing.
 */
public final class CrashReaper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CrashReaper.class);

    // Pure POSIX sh without external commands, so a removal costs no spawn.
    private static final String SCRIPT = String.join(
            "\n",
            "trap '' INT TERM HUP",
            "groups=''",
            "while read -r line; do",
            "  case \"$line\" in",
            "    +*) groups=\"$groups ${line#+}\" ;;",
            "    -*) kept=''; for g in $groups; do [ \"$g\" = \"${line#-}\" ] || kept=\"$kept $g\"; done; groups=$kept ;;",
            "  esac",
            "done",
            "for g in $groups; do kill -s KILL -- \"-$g\" 2>/dev/null; done",
            "");

    private final Process shell;
    private final OutputStream groups;

    private CrashReaper(Process shell) {
        this.shell = shell;
        this.groups = shell.getOutputStream();
    }

    /** Starts the reaper; call from a long-lived thread. */
    public static CrashReaper start() {
        try {
            Process shell = new ProcessBuilder("setsid", "sh", "-c", SCRIPT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return new CrashReaper(shell);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the crash reaper shell", e);
        }
    }

    /** A new process group to kill if the gateway dies. */
    public synchronized void add(long pgid) {
        send("+" + pgid);
    }

    /** A group that is gone (or that the gateway itself finished off). */
    public synchronized void remove(long pgid) {
        send("-" + pgid);
    }

    private void send(String line) {
        try {
            groups.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            groups.flush();
        } catch (IOException e) {
            LOG.warn("crash reaper is gone; children may outlive a crash of the gateway: {}", e.toString());
        }
    }

    /** Ends the reaper after a clean stop (every group removed: it kills nothing). */
    @Override
    public synchronized void close() {
        try {
            groups.close();
        } catch (IOException ignored) {
            // It has exited already.
        }
        shell.onExit().join();
    }
}
