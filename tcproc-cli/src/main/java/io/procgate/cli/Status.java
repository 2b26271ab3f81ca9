package io.procgate.cli;

/** The eight tcprocd status words; on the wire two length digits, then the word. */
public enum Status {
    OK,
    OFFLINE,
    EXISTS,
    UNKNOWN,
    PERMISSION_DENIED,
    ERROR,
    AUTHENTICATION_REQUIRED,
    AUTHENTICATION_ERROR;

    /** The status named {@code word}, or {@code null}. */
    static Status of(String word) {
        for (Status status : values()) {
            if (status.name().equals(word)) {
                return status;
            }
        }
        return null;
    }
}
