package io.procgate.core.config;

import java.util.Locale;

/** When a configured process is started again after it exits ({@code restart}). */
public enum RestartPolicy {
    NO,
    ON_FAILURE,
    ALWAYS;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return the policy named {@code text} in the config, or null if there is none */
    static RestartPolicy parse(String text) {
        for (RestartPolicy p : values()) {
            if (p.configName().equals(text)) {
                return p;
            }
        }
        return null;
    }
}
