package io.procgate.host;

/**
 * How a run ended: an exit code, or the signal that killed it, and why the host thinks it ended
 * when it knows better than the signal says.
 *
 * <p>The JDK reports a child killed by signal S as exit value 128 + S; a program that itself exits
 * with such a value cannot be told apart from it, so values 129..192 are reported as signals.
 *
 * @param reason why it ended when the host knows ({@link #MEMORY_LIMIT}), else {@code null}
 */
public record ExitStatus(int code, int signal, String reason) {
    /** The reason of a run the kernel killed for passing its memory limit. */
    public static final String MEMORY_LIMIT = "memory limit";

    private static final int SIGNAL_BASE = 128;
    private static final int MAX_SIGNAL = 64;

    public ExitStatus(int code, int signal) {
        this(code, signal, null);
    }

    /** This exit with {@code why} as its reason. */
    public ExitStatus withReason(String why) {
        return new ExitStatus(code, signal, why);
    }

    public static ExitStatus fromJdkExitValue(int value) {
        if (value > SIGNAL_BASE && value <= SIGNAL_BASE + MAX_SIGNAL) {
            return new ExitStatus(-1, value - SIGNAL_BASE);
        }
        return new ExitStatus(value, 0);
    }

    public static ExitStatus ofSignal(int signal) {
        return new ExitStatus(-1, signal);
    }

    public boolean killedBySignal() {
        return signal > 0;
    }

    public boolean success() {
        return signal == 0 && code == 0;
    }

    /** The signal's name as {@code kill -l} prints it, prefixed {@code SIG}, e.g. {@code SIGKILL}. */
    public String signalName() {
        return Signals.name(signal);
    }

    @Override
    public String toString() {
        String how = killedBySignal() ? "signal " + signalName() : "exit code " + code;
        return reason == null ? how : how + " (" + reason + ")";
    }
}
