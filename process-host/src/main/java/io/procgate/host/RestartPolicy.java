package io.procgate.host;

import java.util.Locale;

/** When a supervised process is started again after it exits on its own (config {@code restart}). */
public enum RestartPolicy {
    /** Never. */
    NO,
    /** After a non-zero exit, or death by a signal the gateway did not send. */
    ON_FAILURE,
    /** After every exit it was not asked for. */
    ALWAYS;

    /** Whether a run that ended with {@code exit}, not asked to stop, is restarted. */
    public boolean restartsAfter(ExitStatus exit) {
        return switch (this) {
            case NO -> false;
            case ON_FAILURE -> !exit.success();
            case ALWAYS -> true;
        };
    }

    /** The config word: {@code no}, {@code on-failure}, {@code always}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The policy named {@code word} in a config, or null. */
    public static RestartPolicy fromConfigName(String word) {
        for (RestartPolicy p : values()) {
            if (p.configName().equals(word)) {
                return p;
            }
        }
        return null;
    }
}
