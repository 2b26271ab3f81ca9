package io.procgate.core.schedule;

import java.time.Instant;

/**
 * One entry of a process's schedules as front-ends show it.
 *
 * @param cron the expression as written
 * @param action the config word of the action
 * @param next when it runs next, or null if it never will
 */
public record ScheduledRun(String cron, String action, Instant next) {}
