package io.procgate.tcprocd;

import java.util.Objects;

/**
 * {@code 05stats NN name}: the process's state and live figures, answered with {@link
 * TcprocdStatsResponse}. Not in the original manual: an extension of this gateway.
 */
public record TcprocdStatsRequest(String name) implements TcprocdNamedRequest {
    public TcprocdStatsRequest {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public TcprocdCommand command() {
        return TcprocdCommand.STATS;
    }
}
