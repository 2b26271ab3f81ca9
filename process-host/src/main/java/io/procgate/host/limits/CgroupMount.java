package io.procgate.host.limits;

import java.nio.file.Path;

/**
 * Where this process's own cgroup of one hierarchy is in the file system.
 *
 * @param version 1 or 2
 * @param controller the v1 controller ({@code memory}, {@code cpu}, {@code pids}), or {@code null} for v2
 * @param ownGroup the directory of the gateway's own cgroup in that hierarchy
 */
record CgroupMount(int version, String controller, Path ownGroup) {}
