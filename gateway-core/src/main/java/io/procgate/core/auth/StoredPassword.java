package io.procgate.core.auth;

/** A password as the configuration holds it: a salted hash, or (warned about) plain text. */
public interface StoredPassword {

    /** Whether {@code candidate} is this password, in time independent of where they differ. */
    boolean matches(byte[] candidate);

    /** True for a plain-text password from the config (logged as a warning at start). */
    boolean isPlainText();
}
