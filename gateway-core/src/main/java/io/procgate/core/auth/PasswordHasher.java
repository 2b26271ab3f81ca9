package io.procgate.core.auth;

/**
 * Makes and reads stored passwords: {@code hash} gives the string to put in the config
 * ({@code ./gateway hash-password}), {@code parse} reads a config value back.
 */
public interface PasswordHasher {

    /** A new salted slow hash of {@code password}, in the text form the config accepts. */
    String hash(char[] password);

    /** A stored password from a config's {@code password-hash} value. */
    StoredPassword parseHash(String encoded);

    /** A plain-text password from a config's {@code password} value. */
    StoredPassword plainText(String password);
}
