package io.procgate.tcprocd;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The command words of tcprocd requests. The decoder looks a word up straight from the received
 * bytes ({@link #find(ByteBuf, int, int)}), so an unknown word costs no allocation.
 */
public enum TcprocdCommand {
    /** {@code 04list}: names of the caller's running processes. */
    LIST,
    /** {@code 05start NN name NNN command_line NNN path}. */
    START,
    /** {@code 04kill NN name}. */
    KILL,
    /** {@code 03cat NN name N start_line}. */
    CAT,
    /** {@code 07command NN name NNN line}: one line to stdin. */
    COMMAND,
    /** {@code 06attach NN name}: the connection becomes line-based. */
    ATTACH,
    /**
     * {@code 05stats NN name}: the process's state and live figures as {@code key value} lines. An
     * extension beyond the original manual (docs/protocols/tcprocd.md, "Extension: stats").
     */
    STATS;

    private static final TcprocdCommand[] VALUES = values();

    private final byte[] word;

    TcprocdCommand() {
        this.word = name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    }

    /** The command word as sent on the wire, e.g. {@code list}. */
    public String word() {
        return new String(word, StandardCharsets.US_ASCII);
    }

    /** The command whose word is {@code word} exactly (lower case), or {@code null}. */
    public static TcprocdCommand fromWord(String word) {
        for (TcprocdCommand command : VALUES) {
            if (command.word().equals(word)) {
                return command;
            }
        }
        return null;
    }

    /** The command whose word is the {@code length} bytes at {@code index} of {@code in}, or {@code null}. */
    public static TcprocdCommand find(ByteBuf in, int index, int length) {
        for (TcprocdCommand command : VALUES) {
            if (command.matches(in, index, length)) {
                return command;
            }
        }
        return null;
    }

    private boolean matches(ByteBuf in, int index, int length) {
        if (word.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (in.getByte(index + i) != word[i]) {
                return false;
            }
        }
        return true;
    }
}
