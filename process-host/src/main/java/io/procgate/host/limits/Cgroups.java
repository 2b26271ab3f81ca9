package io.procgate.host.limits;

import io.procgate.host.ProcessLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroups this machine offers for the memory, cpu and pids limits, and the groups the host
 * makes for its children: {@code <the gateway's own cgroup>/procgate-<gateway pid>/<name>}, in each
 * v1 hierarchy that carries a needed controller, else in the v2 hierarchy if it has it.
 *
 * <p>Where things are is read from {@code /proc/self/mountinfo} (which hierarchies are mounted
 * where) and {@code /proc/self/cgroup} (the gateway's own group in each). A v1 controller is used
 * where it is mounted (then the kernel does not offer it to v2). In v2 a group with members cannot
 * hand controllers to its children: if the gateway's own group holds processes and is not the
 * root, the gateway and what it started move to a leaf {@code procgate-gateway} beside the
 * children's groups before the controllers are enabled (what systemd calls a delegated subtree).
 *
 * <p>Thread-safe: creation is serialised; the host calls it from its one spawner thread.
 */
public final class Cgroups implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
    private static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids");
    /** The CFS period the cpu limit is expressed in (the kernel's default, 100 ms). */
    static final long CPU_PERIOD_MICROS = 100_000;
    /** The smallest quota the kernel accepts. */
    private static final long MIN_CPU_QUOTA_MICROS = 1_000;

    private static final String GATEWAY_LEAF = "procgate-gateway";
    /** At close, how often and how long to wait for the last members of a group to be gone. */
    private static final int CLOSE_ATTEMPTS = 30;

    private static final long CLOSE_RETRY_MILLIS = 100;

    /** The v1 mounts by controller. */
    private final Map<String, CgroupMount> v1;
    /** The v2 mount, or null. */
    private final CgroupMount v2;

    private final String parentName;
    private final List<Path> parents = new ArrayList<>();

    Cgroups(Map<String, CgroupMount> v1, CgroupMount v2, long gatewayPid) {
        this.v1 = Map.copyOf(v1);
        this.v2 = v2;
        this.parentName = "procgate-" + gatewayPid;
    }

    /** No cgroup at all: every memory, cpu or pids limit is refused (for machines without cgroups, and tests). */
    public static Cgroups unavailable() {
        return new Cgroups(Map.of(), null, ProcessHandle.current().pid());
    }

    /** Whether a memory, cpu and pids limit can be tried here (a controller for each is mounted). */
    public boolean offersAll() {
        Set<String> v2Has = v2Controllers();
        return CONTROLLERS.stream().allMatch(c -> v1.containsKey(c) || v2Has.contains(c));
    }

    /** What this machine has, seen from this process. */
    public static Cgroups detect() {
        return detect(
                Path.of("/proc/self/mountinfo"),
                Path.of("/proc/self/cgroup"),
                ProcessHandle.current().pid());
    }

    static Cgroups detect(Path mountinfo, Path ownCgroups, long gatewayPid) {
        Map<String, String> ownPaths = new HashMap<>(); // "memory" -> "/a/b"; "" -> the v2 path
        Map<String, CgroupMount> v1 = new LinkedHashMap<>();
        CgroupMount v2 = null;
        try {
            for (String line : Files.readAllLines(ownCgroups, StandardCharsets.UTF_8)) {
                // hierarchy-id:controller,list:/path
                String[] parts = line.split(":", 3);
                if (parts.length == 3) {
                    for (String c : parts[1].split(",")) {
                        ownPaths.put(c, parts[2]);
                    }
                }
            }
            for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
                // id parent major:minor root mount-point options [optional...] - fstype source super-options
                int dash = line.indexOf(" - ");
                if (dash < 0) {
                    continue;
                }
                String[] left = line.substring(0, dash).split(" ");
                String[] right = line.substring(dash + 3).split(" ");
                if (left.length < 5 || right.length < 3) {
                    continue;
                }
                Path mountPoint = Path.of(left[4]);
                String root = left[3];
                if (right[0].equals("cgroup2")) {
                    Path own = ownDirectory(mountPoint, root, ownPaths.get(""));
                    if (own != null) {
                        v2 = new CgroupMount(2, null, own);
                    }
                } else if (right[0].equals("cgroup")) {
                    for (String option : right[2].split(",")) {
                        if (CONTROLLERS.contains(option)) {
                            Path own = ownDirectory(mountPoint, root, ownPaths.get(option));
                            if (own != null) {
                                v1.put(option, new CgroupMount(1, option, own));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot read the cgroup layout: {}", e.toString());
        }
        return new Cgroups(v1, v2, gatewayPid);
    }

    /** The directory of the group {@code path} (as /proc/self/cgroup says) under a mount of {@code root}. */
    private static Path ownDirectory(Path mountPoint, String root, String path) {
        if (path == null) {
            return null;
        }
        if (root.equals("/")) {
            return mountPoint.resolve(path.substring(1));
        }
        if (path.equals(root) || path.startsWith(root + "/")) {
            return mountPoint.resolve(path.substring(root.length()).replaceFirst("^/", ""));
        }
        return null; // our group is outside what this mount shows
    }

    /** One line for the log: which controllers come from where. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (String c : CONTROLLERS) {
            CgroupMount m = v1.get(c);
            if (m != null) {
                parts.add(c + " (v1 " + m.ownGroup() + ")");
            } else if (v2 != null && v2Controllers().contains(c)) {
                parts.add(c + " (v2 " + v2.ownGroup() + ")");
            }
        }
        return parts.isEmpty() ? "no cgroup controllers for limits" : String.join(", ", parts);
    }

    private Set<String> v2Controllers() {
        if (v2 == null) {
            return Set.of();
        }
        try {
            return Set.of(Files.readString(v2.ownGroup().resolve("cgroup.controllers"))
                    .trim()
                    .split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }

    /**
     * Makes (or reuses) the groups of {@code name} with {@code limits}' memory, cpu and pids
     * limits written; null when none of them is set.
     *
     * @throws LimitException when a limit cannot be applied (no such controller, no permission)
     */
    public synchronized ProcessCgroup create(String name, ProcessLimits limits) throws LimitException {
        if (!limits.needsCgroup()) {
            return null;
        }
        List<String> needed = new ArrayList<>();
        if (limits.memoryBytes() > 0) {
            needed.add("memory");
        }
        if (limits.cpu() > 0) {
            needed.add("cpu");
        }
        if (limits.pids() > 0) {
            needed.add("pids");
        }
        List<String> viaV2 = new ArrayList<>();
        Set<String> v2Has = v2Controllers();
        for (String c : needed) {
            if (!v1.containsKey(c)) {
                if (!v2Has.contains(c)) {
                    throw new LimitException(keyOf(c) + ": this machine offers no " + c
                            + " cgroup controller (neither a cgroup v1 " + c + " hierarchy nor "
                            + (v2 == null ? "a cgroup v2 mount" : "cgroup v2 " + v2.ownGroup() + "/cgroup.controllers")
                            + ")");
                }
                viaV2.add(c);
            }
        }
        List<Path> dirs = new ArrayList<>();
        Path memoryEvents = null;
        for (String c : needed) {
            if (viaV2.contains(c)) {
                continue;
            }
            Path dir = group(v1.get(c).ownGroup(), name, c);
            dirs.add(dir);
            switch (c) {
                case "memory" -> {
                    writeMemoryV1(dir, limits.memoryBytes());
                    memoryEvents = dir.resolve("memory.oom_control");
                }
                case "cpu" -> {
                    write(dir, "cpu.cfs_period_us", Long.toString(CPU_PERIOD_MICROS), c);
                    write(dir, "cpu.cfs_quota_us", Long.toString(cpuQuota(limits.cpu())), c);
                }
                default -> write(dir, "pids.max", Integer.toString(limits.pids()), c);
            }
        }
        if (!viaV2.isEmpty()) {
            delegateV2(viaV2);
            Path dir = group(v2.ownGroup(), name, "cgroup v2");
            dirs.add(dir);
            if (viaV2.contains("memory")) {
                write(dir, "memory.max", Long.toString(limits.memoryBytes()), "memory");
                if (Files.exists(dir.resolve("memory.swap.max"))) {
                    write(dir, "memory.swap.max", "0", "memory"); // past the limit: killed, not swapped
                }
                memoryEvents = dir.resolve("memory.events");
            }
            if (viaV2.contains("cpu")) {
                write(dir, "cpu.max", cpuQuota(limits.cpu()) + " " + CPU_PERIOD_MICROS, "cpu");
            }
            if (viaV2.contains("pids")) {
                write(dir, "pids.max", Integer.toString(limits.pids()), "pids");
            }
        }
        return new ProcessCgroup(dirs, memoryEvents, ProcessCgroup.killCount(memoryEvents));
    }

    /** Where the groups of {@code name} are (or would be) in every hierarchy the host uses. */
    public List<Path> directoriesOf(String name) {
        List<Path> dirs = new ArrayList<>();
        v1.values().forEach(m -> dirs.add(m.ownGroup().resolve(parentName).resolve(name)));
        if (v2 != null) {
            dirs.add(v2.ownGroup().resolve(parentName).resolve(name));
        }
        return dirs;
    }

    static long cpuQuota(double cores) {
        return Math.max(MIN_CPU_QUOTA_MICROS, Math.round(cores * CPU_PERIOD_MICROS));
    }

    private static String keyOf(String controller) {
        return "limits." + controller;
    }

    private Path group(Path own, String name, String what) throws LimitException {
        Path parent = own.resolve(parentName);
        Path dir = parent.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LimitException("cannot create the " + what + " cgroup " + dir + ": " + reason(e)
                    + " (the gateway needs root, or a cgroup delegated to its user)");
        }
        if (!parents.contains(parent)) {
            parents.add(parent);
        }
        return dir;
    }

    private static void writeMemoryV1(Path dir, long bytes) throws LimitException {
        // With swap accounting, memsw (memory + swap) must be at least the memory limit: raise it
        // first when it is lower (a group reused with a smaller limit), set it equal after, so the
        // group is killed at the limit rather than swapped.
        Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
        boolean swapAccounting = Files.exists(memsw);
        if (swapAccounting) {
            try {
                Files.writeString(memsw, Long.toString(Math.max(bytes, currentLimit(dir))));
            } catch (IOException ignored) {
                // Below the current memory limit; the write after the memory limit settles it.
            }
        }
        write(dir, "memory.limit_in_bytes", Long.toString(bytes), "memory");
        if (swapAccounting) {
            write(dir, "memory.memsw.limit_in_bytes", Long.toString(bytes), "memory");
        }
    }

    private static long currentLimit(Path dir) {
        try {
            return Long.parseLong(
                    Files.readString(dir.resolve("memory.limit_in_bytes")).trim());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Enables {@code controllers} for the children's groups in v2 (see the class comment). */
    private void delegateV2(List<String> controllers) throws LimitException {
        Path own = v2.ownGroup();
        Path parent = own.resolve(parentName);
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new LimitException("cannot create the cgroup v2 group " + parent + ": " + reason(e)
                    + " (the gateway needs root, or a cgroup delegated to its user)");
        }
        if (!parents.contains(parent)) {
            parents.add(parent);
        }
        String enable = String.join(" ", controllers.stream().map(c -> "+" + c).toList());
        try {
            enableIn(own, enable);
        } catch (IOException busy) {
            // A non-root group with members cannot enable controllers for children: move the
            // gateway and whatever it started into a leaf of their own, then try again.
            moveMembersToLeaf(own);
            try {
                enableIn(own, enable);
            } catch (IOException e) {
                throw new LimitException("cannot enable " + String.join(", ", controllers) + " in "
                        + own.resolve("cgroup.subtree_control") + ": " + reason(e)
                        + " (cgroup v2 needs the gateway's cgroup delegated to it: e.g. systemd Delegate=yes)");
            }
        }
        try {
            enableIn(parent, enable);
        } catch (IOException e) {
            throw new LimitException(
                    "cannot enable " + String.join(", ", controllers) + " in " + parent + ": " + reason(e));
        }
    }

    private static void enableIn(Path group, String enable) throws IOException {
        Files.writeString(group.resolve("cgroup.subtree_control"), enable);
    }

    private static void moveMembersToLeaf(Path own) throws LimitException {
        Path leaf = own.resolve(GATEWAY_LEAF);
        try {
            Files.createDirectories(leaf);
            for (String pid : Files.readAllLines(own.resolve("cgroup.procs"))) {
                if (!pid.isBlank()) {
                    Files.writeString(leaf.resolve("cgroup.procs"), pid.trim());
                }
            }
            LOG.info("cgroup v2: moved the gateway's processes to {} to delegate controllers", leaf);
        } catch (IOException e) {
            throw new LimitException(
                    "cannot move the gateway into " + leaf + " to delegate cgroup v2 controllers: " + reason(e));
        }
    }

    private static void write(Path dir, String file, String value, String controller) throws LimitException {
        try {
            Files.writeString(dir.resolve(file), value);
        } catch (IOException e) {
            throw new LimitException(
                    keyOf(controller) + ": cannot write " + value + " to " + dir.resolve(file) + ": " + reason(e));
        }
    }

    private static String reason(IOException e) {
        String why = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            why = fse.getReason();
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            why = "permission denied";
        }
        return why == null ? e.getClass().getSimpleName() : why;
    }

    /**
     * Removes the groups left (their processes are gone by now: the host stopped them first) and
     * the parents; best effort, a group that still has members stays.
     */
    @Override
    public synchronized void close() {
        for (Path parent : parents) {
            // What a leader left behind was signalled when it exited and may take a moment to go.
            for (int attempt = 1; ; attempt++) {
                try {
                    removeWithChildren(parent);
                    break;
                } catch (IOException e) {
                    if (attempt >= CLOSE_ATTEMPTS) {
                        LOG.warn("cgroup {} not removed: {}", parent, e.toString());
                        break;
                    }
                    try {
                        Thread.sleep(CLOSE_RETRY_MILLIS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        parents.clear();
    }

    private static void removeWithChildren(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, Files::isDirectory)) {
            for (Path child : children) {
                Files.deleteIfExists(child);
            }
        }
        Files.deleteIfExists(parent);
    }
}
