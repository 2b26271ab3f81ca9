package io.procgate.host;

/**
 * What a child may use (config {@code limits}): memory, CPU and pids through a cgroup of its own,
 * open files through its rlimit. Zero means no limit.
 *
 * @param memoryBytes resident memory of the group; past it the kernel kills (reason {@link
 *     ExitStatus#MEMORY_LIMIT})
 * @param cpu cores the group may use (2.0 = two cores' time per second)
 * @param pids processes and threads the group may have at once
 * @param openFiles the {@code RLIMIT_NOFILE} of the child (soft and hard), inherited by what it starts
 * @param required whether a limit that cannot be applied fails the start; if not, it is logged
 *     once and shown in the status ({@link ProcessStatus#limitProblem()})
 */
public record ProcessLimits(long memoryBytes, double cpu, int pids, long openFiles, boolean required) {
    /** No limit at all. */
    public static final ProcessLimits NONE = new ProcessLimits(0, 0, 0, 0, true);

    public ProcessLimits {
        if (memoryBytes < 0 || cpu < 0 || pids < 0 || openFiles < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        if (Double.isNaN(cpu) || Double.isInfinite(cpu)) {
            throw new IllegalArgumentException("cpu limit must be a number of cores");
        }
    }

    /** Whether any limit needs a cgroup (memory, cpu, pids). */
    public boolean needsCgroup() {
        return memoryBytes > 0 || cpu > 0 || pids > 0;
    }

    public boolean isNone() {
        return !needsCgroup() && openFiles == 0;
    }
}
