package io.procgate.tcpr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A line a client sent after its password, terminator removed: at most
 * {@link TcprConstants#MAX_LINE_BYTES} bytes, passed on to the process's stdin as they are (no
 * character set is assumed).
 */
public final class TcprCommand implements TcprMessage {
    private final byte[] line;

    public TcprCommand(byte[] line) {
        this.line = Objects.requireNonNull(line, "line");
        if (line.length > TcprConstants.MAX_LINE_BYTES) {
            throw new IllegalArgumentException("command longer than " + TcprConstants.MAX_LINE_BYTES + " bytes");
        }
    }

    /** The line's bytes (not a copy). */
    public byte[] line() {
        return line;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcprCommand other && Arrays.equals(line, other.line);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(line);
    }

    @Override
    public String toString() {
        return "TcprCommand(" + new String(line, StandardCharsets.UTF_8) + ")";
    }
}
