package io.procgate.tcprocd;

/** A request about one named process (every command but {@code list}). */
public interface TcprocdNamedRequest extends TcprocdRequest {

    /** The process name, already checked against {@code [A-Za-z0-9._-]{1,64}}. */
    String name();
}
