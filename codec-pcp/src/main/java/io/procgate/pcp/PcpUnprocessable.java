package io.procgate.pcp;

/** The answer {@code ?} CRLF: the server cannot process the request (malformed, unknown, incomplete). */
public final class PcpUnprocessable implements PcpMessage {
    public static final PcpUnprocessable INSTANCE = new PcpUnprocessable();

    private PcpUnprocessable() {}

    @Override
    public String toString() {
        return "?";
    }
}
