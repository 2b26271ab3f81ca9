package io.procgate.pcp;

/** The single byte {@code $} a consumer sends after it has read a transfer. */
public final class PcpAck implements PcpMessage {
    public static final PcpAck INSTANCE = new PcpAck();

    private PcpAck() {}

    @Override
    public String toString() {
        return "$";
    }
}
