package io.procgate.tcpr;

/**
 * The newline a session uses for every line the server sends: the terminator the client put after
 * its password ({@code \n} or {@code \r\n}), as KAG's server decides it.
 */
public enum TcprNewline {
    LF(new byte[] {'\n'}),
    CRLF(new byte[] {'\r', '\n'});

    private final byte[] bytes;

    TcprNewline(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The terminator's bytes; do not modify. */
    byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }
}
