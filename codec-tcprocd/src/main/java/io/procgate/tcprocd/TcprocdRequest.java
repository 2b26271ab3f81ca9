package io.procgate.tcprocd;

/** A request after authentication: one of the commands and its fields. */
public interface TcprocdRequest extends TcprocdMessage {

    TcprocdCommand command();
}
