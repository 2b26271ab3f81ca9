package io.procgate.host;

import io.netty.buffer.ByteBuf;

/**
 * Receives a named process's output live, across its runs, from the moment it subscribes.
 *
 * <p>Called on the process's event loop, one call at a time, in line order. Calls must return
 * quickly and never block: a subscriber that cannot keep up drops lines itself and says how many
 * (see {@code BoundedLineSender} in gateway-core). The host never blocks the child for a subscriber.
 */
public interface LineSubscriber {

    /**
     * One line of output.
     *
     * @param lineNumber its absolute number in the history
     * @param content the line's bytes without the {@code \n} terminator; valid only during the call
     *     (retain or copy it to keep it)
     */
    void onLine(long lineNumber, ByteBuf content);

    /**
     * The lines of one read of the process's output have all been passed to {@link #onLine}: a
     * subscriber that gathers lines (to write a client the lines the process wrote together in one
     * write) sends them now. Called after every read (which may have completed no line), and so
     * before {@link #onExit}.
     */
    default void onLinesEnd() {}

    /** A run of the process began. */
    default void onStart(long pid) {}

    /** A run of the process ended; every line it printed has been delivered before this. */
    default void onExit(ExitStatus status) {}

    /** The live figures of the running process, every {@link HostSettings#statsInterval()}. */
    default void onStats(ProcessStats stats) {}
}
