package io.procgate.tcpr;

/**
 * Read in place of a client line longer than {@link TcprConstants#MAX_LINE_BYTES}: the decoder
 * discards that line up to its terminator and the session answers the client; the connection
 * stays up (an over-long line is the client's mistake, not a broken stream).
 */
public final class TcprLineTooLong implements TcprMessage {
    public static final TcprLineTooLong INSTANCE = new TcprLineTooLong();

    private TcprLineTooLong() {}

    @Override
    public String toString() {
        return "TcprLineTooLong";
    }
}
