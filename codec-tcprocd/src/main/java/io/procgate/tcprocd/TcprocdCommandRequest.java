package io.procgate.tcprocd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** {@code 07command NN name NNN line}: write {@code line} plus {@code \n} to the process's stdin. */
public record TcprocdCommandRequest(String name, byte[] line) implements TcprocdNamedRequest {
    public TcprocdCommandRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(line, "line");
    }

    /** A request for a text line, encoded in UTF-8. */
    public static TcprocdCommandRequest of(String name, String line) {
        return new TcprocdCommandRequest(name, line.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public TcprocdCommand command() {
        return TcprocdCommand.COMMAND;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcprocdCommandRequest other && name.equals(other.name) && Arrays.equals(line, other.line);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(line);
    }

    @Override
    public String toString() {
        return "TcprocdCommandRequest[name=" + name + ", line=" + new String(line, StandardCharsets.UTF_8) + "]";
    }
}
