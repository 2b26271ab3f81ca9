package io.procgate.tcprocd;

import java.util.Arrays;
import java.util.Objects;

/**
 * Credentials: {@code NN username NN password} over TCP, {@code NN password} alone over a unix
 * socket (the user is the peer's login there). The password is kept as the bytes received, so
 * that it can be checked without ever becoming a {@code String}.
 *
 * @param username the user name, or {@code null} for the unix-socket form
 */
public record TcprocdAuthRequest(String username, byte[] password) implements TcprocdMessage {
    public TcprocdAuthRequest {
        Objects.requireNonNull(password, "password");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcprocdAuthRequest other
                && Objects.equals(username, other.username)
                && Arrays.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(username) * 31 + Arrays.hashCode(password);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "TcprocdAuthRequest[username=" + username + ", password=<" + password.length + " bytes>]";
    }
}
