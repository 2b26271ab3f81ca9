package io.procgate.host;

/**
 * Live figures of one running process and everything in its process group, sampled from {@code
 * /proc} every {@link HostSettings#statsInterval()}.
 *
 * @param cpu CPU seconds per second over the last interval, summed over the group (1.0 = one core)
 * @param cpuSeconds CPU seconds the group used in this run so far (its live members plus the
 *     children they have reaped)
 * @param rssBytes resident memory, summed over the group
 * @param threads threads, summed over the group
 * @param fds open file descriptors, summed over the group
 * @param uptimeSeconds seconds since this run started
 * @param processes live members of the group
 */
public record ProcessStats(
        double cpu, double cpuSeconds, long rssBytes, int threads, int fds, double uptimeSeconds, int processes) {}
