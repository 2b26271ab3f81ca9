package io.procgate.tcprocd;

import java.util.Objects;

/** {@code 06attach NN name}: after {@code OK} the connection carries lines both ways until it closes. */
public record TcprocdAttachRequest(String name) implements TcprocdNamedRequest {
    public TcprocdAttachRequest {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public TcprocdCommand command() {
        return TcprocdCommand.ATTACH;
    }
}
