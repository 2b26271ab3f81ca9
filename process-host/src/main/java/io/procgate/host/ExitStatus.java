package io.procgate.host;

/**
 * How a run ended: an exit code, or the signal that killed it.
 *
 * <p>The JDK reports a child killed by signal S as exit value 128 + S; a program that itself exits
 * with such a value cannot be told apart from it, so values 129..192 are reported as signals.
 */
public record ExitStatus(int code, int signal) {
    private static final int SIGNAL_BASE = 128;
    private static final int MAX_SIGNAL = 64;

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
        return killedBySignal() ? "signal " + signalName() : "exit code " + code;
    }
}
