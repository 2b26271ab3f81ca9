package io.procgate.cli;

/** The server answered a status other than {@code OK}, or broke the protocol. */
final class TcprocException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Status status;

    TcprocException(Status status) {
        super(status.name());
        this.status = status;
    }

    /** A status with a message that says more than its name. */
    TcprocException(Status status, String message) {
        super(message);
        this.status = status;
    }

    TcprocException(String message) {
        super(message);
        this.status = null;
    }

    /** The status the server answered, or {@code null} for a protocol violation. */
    Status status() {
        return status;
    }
}
