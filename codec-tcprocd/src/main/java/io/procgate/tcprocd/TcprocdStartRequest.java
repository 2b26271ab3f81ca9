package io.procgate.tcprocd;

import java.util.Objects;

/**
 * {@code 05start NN name NNN command_line NNN path}: start {@code commandLine} (split by POSIX
 * quoting rules, never run through a shell) in {@code path}.
 *
 * @param path the working directory, empty for the default
 */
public record TcprocdStartRequest(String name, String commandLine, String path) implements TcprocdNamedRequest {
    public TcprocdStartRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(commandLine, "commandLine");
        Objects.requireNonNull(path, "path");
    }

    @Override
    public TcprocdCommand command() {
        return TcprocdCommand.START;
    }
}
