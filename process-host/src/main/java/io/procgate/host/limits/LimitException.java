package io.procgate.host.limits;

/** A limit of {@code limits} cannot be applied on this machine; the message says which and why. */
public final class LimitException extends Exception {
    private static final long serialVersionUID = 1L;

    public LimitException(String message) {
        super(message);
    }
}
