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

    public static StartResult failed(String error) {
        return new StartResult(Outcome.FAILED, -1, error);
    }
}
