package io.procgate.host.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of one {@code /proc/PID/stat} line the live figures need.
 *
 * @param cpuTicks user and system time of the process and of the children it has reaped
 *     (utime + stime + cutime + cstime)
 * @param rssPages resident pages
 */
record ProcStat(long pid, long processGroup, long cpuTicks, int threads, long rssPages) {
    // Field numbers of proc(5), counted from 1; the fields after "(comm)" start at field 3.
    private static final int FIRST_FIELD_AFTER_COMM = 3;
    private static final int PGRP = 5;
    private static final int UTIME = 14;
    private static final int STIME = 15;
    private static final int CUTIME = 16;
    private static final int CSTIME = 17;
    private static final int NUM_THREADS = 20;
    private static final int RSS = 24;

    /** The stat of {@code pid}, or empty if it is gone (or unreadable). */
    static Optional<ProcStat> read(Path procDir) {
        try {
            return Optional.of(parse(Files.readString(procDir.resolve("stat"))));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty(); // exited while we looked
        }
    }

    static ProcStat parse(String line) {
        long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
        String[] rest = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        return new ProcStat(
                pid,
                field(rest, PGRP),
                field(rest, UTIME) + field(rest, STIME) + field(rest, CUTIME) + field(rest, CSTIME),
                (int) field(rest, NUM_THREADS),
                field(rest, RSS));
    }

    private static long field(String[] rest, int number) {
        return Long.parseLong(rest[number - FIRST_FIELD_AFTER_COMM]);
    }
}
