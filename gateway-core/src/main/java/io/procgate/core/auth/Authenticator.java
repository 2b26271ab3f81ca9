package io.procgate.core.auth;

import java.util.Optional;

/** Checks credentials against {@code gateway.users}. Thread-safe; the user table may be reloaded. */
public interface Authenticator {

    /**
     * @return the user, when {@code name} is a configured user and {@code password} is its
     *     password; empty otherwise (an unknown user costs the same time as a wrong password)
     */
    Optional<User> authenticate(String name, byte[] password);

    /**
     * Whether any user is configured (the web console offers a one-time admin link when none is).
     * The default says yes, so that an authenticator that cannot tell opens no such door.
     */
    default boolean hasUsers() {
        return true;
    }

    /** A configured user by name, for peers identified otherwise (unix-socket credentials). */
    Optional<User> lookup(String name);
}
