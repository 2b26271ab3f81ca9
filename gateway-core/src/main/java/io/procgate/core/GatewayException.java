package io.procgate.core;

/**
 * The gateway cannot start (or reload) for a reason outside the configuration's syntax: a port in
 * use, a socket path taken, a missing native transport. The message is one line fit for a user.
 */
public class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GatewayException(String message) {
        super(message);
    }

    public GatewayException(String message, Throwable cause) {
        super(message, cause);
    }
}
