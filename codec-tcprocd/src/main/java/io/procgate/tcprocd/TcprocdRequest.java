package io.procgate.tcprocd;

/** A request after authentication: one of the six commands and its fields. */
public interface TcprocdRequest extends TcprocdMessage {

    TcprocdCommand command();
}
