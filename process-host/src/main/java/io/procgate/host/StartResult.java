package io.procgate.host;

/** What {@link ProcessHost#start} did. */
public record StartResult(Outcome outcome, long pid, String error) {

    public enum Outcome {
        STARTED,
        /** A process of that name is already running. */
        EXISTS,
        /** It would run as root and the host does not allow root children. */
        REFUSED_ROOT,
        /** It could not be executed (no such file, not executable, bad working directory...). */
        FAILED
    }

    public static StartResult started(long pid) {
        return new StartResult(Outcome.STARTED, pid, null);
    }

    public static StartResult exists() {
        return new StartResult(Outcome.EXISTS, -1, null);
    }

    public static StartResult refusedRoot() {
        return new StartResult(
                Outcome.REFUSED_ROOT, -1, "refusing to run a child as root (allow-root-children = false)");
    }

    /** Why a restart of a name the host has not started in this run (only its history is known) fails. */
    public static final String NEVER_STARTED = "not started in this run: nothing to start again";

    /** Whether this is the answer to a restart of a name the host has not started in this run. */
    public boolean neverStarted() {
        return outcome == Outcome.FAILED && NEVER_STARTED.equals(error);
    }

    public static StartResult failed(String error) {
        return new StartResult(Outcome.FAILED, -1, error);
    }
}
