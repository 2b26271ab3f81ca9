package io.procgate.core.schedule;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a process's {@code schedules}: when (a cron expression in {@code gateway.time-zone}),
 * what ({@link ScheduleAction}), the line for {@code command}, and the warnings before it, earliest
 * first.
 *
 * @param command the stdin line of a {@link ScheduleAction#COMMAND} entry, else null
 */
public record ScheduleEntry(CronSchedule cron, ScheduleAction action, String command, List<ScheduleWarning> warnings) {
    public ScheduleEntry {
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(action, "action");
        warnings = warnings.stream()
                .sorted(Comparator.comparing(ScheduleWarning::before).reversed())
                .toList();
        if (action == ScheduleAction.COMMAND && (command == null || command.isEmpty())) {
            throw new IllegalArgumentException("action = command needs a command");
        }
        if (!warnings.isEmpty() && !action.takesWarnings()) {
            throw new IllegalArgumentException("warn goes with action = restart or stop");
        }
    }
}
