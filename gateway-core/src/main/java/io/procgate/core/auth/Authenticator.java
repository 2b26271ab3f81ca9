package io.procgate.core.auth;

import java.util.Optional;

/** Checks credentials against {@code gateway.users}. Thread-safe; the user table may be reloaded. */
public interface Authenticator {

    /**
     * @return the user, when {@code name} is a configured user and {@code password} is its
     *     password; empty otherwise (an unknown user costs the same time as a wrong password)
     */
    Optional<User> authenticate(String name, byte[] password);

    /** A configured user by name, for peers identified otherwise (unix-socket credentials). */
    Optional<User> lookup(String name);
}
