package io.procgate.tcpr;

import java.time.LocalTime;
import java.util.Objects;

/**
 * The last line of a session: {@code HH:MM:SSTCPR: server shutting down.}, sent when the process
 * exits or the gateway stops, with the time always present and never bracketed (whatever the
 * listener's {@code timestamps}), because clients match it byte for byte.
 */
public final class TcprShutdown implements TcprMessage {
    private final LocalTime time;

    public TcprShutdown(LocalTime time) {
        this.time = Objects.requireNonNull(time, "time");
    }

    public LocalTime time() {
        return time;
    }

    @Override
    public String toString() {
        return "TcprShutdown(" + time + ")";
    }
}
