package io.procgate.pcp;

/** The single byte {@code >} the server sends when it is ready for a command. */
public final class PcpPrompt implements PcpMessage {
    public static final PcpPrompt INSTANCE = new PcpPrompt();

    private PcpPrompt() {}

    @Override
    public String toString() {
        return ">";
    }
}
