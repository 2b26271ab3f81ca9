package io.procgate.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the soak watches for growth in the gateway's JVM: descriptors, threads, heap; and its zombie children. */
record GatewayFigures(long fds, long threads, long heapBytes) {
    private static final Pattern HEAP =
            Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern THREADS = Pattern.compile("^Threads:\\s+(\\d+)$", Pattern.MULTILINE);

    /** Figures of process {@code pid}; {@code metrics} is its {@code /metrics} text, read after a full GC. */
    static GatewayFigures of(long pid, String metrics) throws IOException {
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds = s.count();
        }
        Matcher t = THREADS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        if (!t.find()) {
            throw new IOException("no Threads: in /proc/" + pid + "/status");
        }
        double heap = 0;
        Matcher h = HEAP.matcher(metrics);
        while (h.find()) {
            heap += Double.parseDouble(h.group(1));
        }
        if (heap == 0) {
            throw new IOException("no heap figures in /metrics");
        }
        return new GatewayFigures(fds, Long.parseLong(t.group(1)), (long) heap);
    }

    /** The pids of children of {@code parent} in state Z. */
    static List<Long> zombieChildren(long parent) throws IOException {
        List<Long> zombies = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(p.resolve("stat"));
                } catch (NoSuchFileException | java.nio.file.AccessDeniedException gone) {
                    continue;
                }
                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
                String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (rest[0].equals("Z") && Long.parseLong(rest[1]) == parent) {
                    zombies.add(Long.parseLong(name));
                }
            }
        }
        return zombies;
    }
}
