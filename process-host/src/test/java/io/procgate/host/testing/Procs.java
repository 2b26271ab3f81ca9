package io.procgate.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What {@code /proc} says about processes, for tests that check nothing is left behind. */
public final class Procs {
    private Procs() {}

    /** One process: pid, state letter ({@code Z} for a zombie), parent pid, process group. */
    public record Proc(long pid, String state, long ppid, long pgid) {}

    /** Whether {@code pid} exists and is not a zombie. */
    public static boolean alive(long pid) {
        return read(Path.of("/proc/" + pid)).filter(p -> !p.state().equals("Z")).isPresent();
    }

    /** The live (non-zombie) members of process group {@code pgid}. */
    public static List<Long> groupMembers(long pgid) {
        return all().stream()
                .filter(p -> p.pgid() == pgid && !p.state().equals("Z"))
                .map(Proc::pid)
                .toList();
    }

    /** Zombie children of this JVM. */
    public static List<Long> zombieChildren() {
        long me = ProcessHandle.current().pid();
        return all().stream()
                .filter(p -> p.ppid() == me && p.state().equals("Z"))
                .map(Proc::pid)
                .toList();
    }

    /** The command line of {@code pid}, arguments separated by spaces. */
    public static String commandOf(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    public static List<Proc> all() {
        List<Proc> procs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
                    .forEach(d -> read(d).ifPresent(procs::add));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return procs;
    }

    private static java.util.Optional<Proc> read(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
            return java.util.Optional.of(new Proc(pid, rest[0], Long.parseLong(rest[1]), Long.parseLong(rest[2])));
        } catch (IOException | RuntimeException gone) {
            return java.util.Optional.empty(); // exited while we looked
        }
    }
}
