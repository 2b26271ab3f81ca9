package io.procgate.core.schedule;

import java.time.Duration;
import java.util.Objects;

/**
 * A line written to the process's stdin {@code before} its entry's run (config {@code warn}), so
 * that players hear of a restart in time.
 */
public record ScheduleWarning(Duration before, String command) {
    public ScheduleWarning {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(command, "command");
        if (before.isNegative() || before.isZero()) {
            throw new IllegalArgumentException("warn.before must be positive");
        }
    }
}
