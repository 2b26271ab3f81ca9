package io.procgate.tcprocd;

import java.util.Objects;

/** {@code 04kill NN name}: stop the process's whole process group. */
public record TcprocdKillRequest(String name) implements TcprocdNamedRequest {
    public TcprocdKillRequest {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public TcprocdCommand command() {
        return TcprocdCommand.KILL;
    }
}
