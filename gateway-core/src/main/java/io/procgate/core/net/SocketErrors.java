package io.procgate.core.net;

/** Socket failures as one readable phrase, for the single line a failed start prints. */
public final class SocketErrors {
    private SocketErrors() {}

    /**
     * {@code cause}'s message without the native transport's syscall prefix, lower-cased: Netty's
     * epoll says "bind(..) failed with error(-98): Address already in use", which becomes "address
     * already in use".
     */
    public static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown error";
        }
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        message = message.replaceFirst("^\\w+\\(\\.\\.\\) failed( with error\\(-?\\d+\\))?: ", "");
        return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
}
