package io.procgate.host.spawn;

import io.procgate.host.Signals;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals a whole process group. The JDK can signal only a single pid, so this runs
 * {@code kill -s SIG -- -PGID}; it costs a spawn, and stops are rare.
 */
public final class GroupSignaller {
    private static final Logger LOG = LoggerFactory.getLogger(GroupSignaller.class);

    private GroupSignaller() {}

    /** Sends {@code signal} to process group {@code pgid}; a group that is already gone is not an error. */
    public static void signalGroup(long pgid, int signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        try {
            new ProcessBuilder("kill", "-s", Signals.name(signal).substring(3), "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            LOG.warn("cannot signal process group {} with {}: {}", pgid, Signals.name(signal), e.getMessage());
        }
    }
}
