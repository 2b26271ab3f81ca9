package io.procgate.core.schedule;

import java.util.Locale;

/** What a schedule entry does to its process (config {@code action}). */
public enum ScheduleAction {
    /** Stops it gracefully and starts it again as declared; nothing if it is not running. */
    RESTART,
    /** Stops it gracefully. */
    STOP,
    /** Starts it as declared, if it is not running. */
    START,
    /** Writes the entry's {@code command} to its stdin. */
    COMMAND;

    /** The config word, e.g. {@code restart}; also the {@code action} tag of the next-run gauge. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action named {@code word}, or null. */
    public static ScheduleAction fromConfigName(String word) {
        for (ScheduleAction a : values()) {
            if (a.configName().equals(word)) {
                return a;
            }
        }
        return null;
    }

    /** Whether warnings may precede it (the actions that take the process away). */
    public boolean takesWarnings() {
        return this == RESTART || this == STOP;
    }
}
