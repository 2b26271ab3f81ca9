package io.procgate.host.limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cgroup directories of one run (one per v1 controller, or one v2 group): the child joins them
 * before it execs its program, the host reads its memory-limit kills at exit and removes them
 * once the group is empty.
 *
 * @param directories the group's directories
 * @param memoryEvents the file that counts memory-limit kills ({@code memory.oom_control} in v1,
 *     {@code memory.events} in v2), or {@code null} without a memory limit
 * @param killsBefore the count in that file when the run began (a group left from an earlier run
 *     of the name is used again, counter and all)
 */
public record ProcessCgroup(List<Path> directories, Path memoryEvents, long killsBefore) {
    private static final String OOM_KILL = "oom_kill ";
    private static final String PROCS = "cgroup.procs";

    public ProcessCgroup {
        directories = List.copyOf(directories);
    }

    /** The {@code cgroup.procs} files the child writes its pid to. */
    public List<Path> procsFiles() {
        return directories.stream().map(d -> d.resolve(PROCS)).toList();
    }

    /** How many processes of the group the kernel has killed for passing the memory limit in this run. */
    public long memoryLimitKills() {
        return killCount(memoryEvents) - killsBefore;
    }

    static long killCount(Path memoryEvents) {
        if (memoryEvents == null) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(memoryEvents)) {
            return lines.filter(l -> l.startsWith(OOM_KILL))
                    .mapToLong(
                            l -> Long.parseLong(l.substring(OOM_KILL.length()).trim()))
                    .sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Removes the directories; false while a process is still in one (the kernel refuses to remove
     * a cgroup that has members), so the caller tries again later.
     */
    public boolean remove() {
        boolean all = true;
        for (Path dir : directories) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                all = false;
            }
        }
        return all;
    }
}
