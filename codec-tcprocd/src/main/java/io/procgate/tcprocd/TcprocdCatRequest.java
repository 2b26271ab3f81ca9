package io.procgate.tcprocd;

import java.util.Objects;

/**
 * {@code 03cat NN name N start_line}: output lines from {@code startLine} (0 = the first kept).
 * The start line has at most nine digits.
 */
public record TcprocdCatRequest(String name, long startLine) implements TcprocdNamedRequest {
    public TcprocdCatRequest {
        Objects.requireNonNull(name, "name");
        if (startLine < 0) {
            throw new IllegalArgumentException("negative start line: " + startLine);
        }
    }

    @Override
    public TcprocdCommand command() {
        return TcprocdCommand.CAT;
    }
}
