package io.procgate.tcprocd;

/** {@code 04list}: the caller's running processes (an admin's: all), one name per line. */
public final class TcprocdListRequest implements TcprocdRequest {
    public static final TcprocdListRequest INSTANCE = new TcprocdListRequest();

    private TcprocdListRequest() {}

    @Override
    public TcprocdCommand command() {
        return TcprocdCommand.LIST;
    }

    @Override
    public String toString() {
        return "TcprocdListRequest";
    }
}
