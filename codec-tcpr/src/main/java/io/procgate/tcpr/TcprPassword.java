package io.procgate.tcpr;

import java.util.Objects;

/**
 * The first line of a session: the password, its terminator removed, and the newline style the
 * terminator chose for the rest of the session.
 */
public final class TcprPassword implements TcprMessage {
    private final byte[] password;
    private final TcprNewline newline;

    public TcprPassword(byte[] password, TcprNewline newline) {
        this.password = Objects.requireNonNull(password, "password");
        this.newline = Objects.requireNonNull(newline, "newline");
    }

    /** The password's bytes (not a copy: the receiver may wipe them after checking). */
    public byte[] password() {
        return password;
    }

    public TcprNewline newline() {
        return newline;
    }

    @Override
    public String toString() {
        // never the password itself: messages end up in logs
        return "TcprPassword(" + password.length + " bytes, " + newline + ")";
    }
}
