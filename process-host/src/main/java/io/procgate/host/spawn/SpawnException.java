package io.procgate.host.spawn;

/** A child could not be started; the message says why, for the log and for {@code status}. */
public final class SpawnException extends Exception {
    private final boolean refusedRoot;

    public SpawnException(String message) {
        this(message, false);
    }

    private SpawnException(String message, boolean refusedRoot) {
        super(message);
        this.refusedRoot = refusedRoot;
    }

    static SpawnException rootRefused() {
        return new SpawnException("refusing to run a child as root (allow-root-children = false)", true);
    }

    public boolean isRootRefusal() {
        return refusedRoot;
    }
}
