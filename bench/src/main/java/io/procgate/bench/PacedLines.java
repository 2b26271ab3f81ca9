package io.procgate.bench;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A chatty console at a fixed rate: prints lines 1..N, each its number in 99 digits plus {@code
 * \n}, RATE lines per second, each line in a write of its own (as a server logging line by line
 * does). Used by {@code bench/tcpr-fanout} as the console-rate child.
 *
 * <p>After a stall (no CPU for a while, or a full pipe) it catches up at most {@value
 * #MAX_CATCH_UP_MILLIS} ms of its schedule and goes on at RATE from then on, as a server logging as it
 * works does, instead of printing its whole backlog in one burst.
 *
 * <p>Usage: {@code PacedLines RATE N [REPORT]}: with REPORT, writes to that file how long the run took,
 * how far behind its schedule it fell at worst and its longest write (a full pipe: its reader was
 * behind), so a benchmark can tell whether the rate was really offered and whose the stall was.
 */
public final class PacedLines {
    private static final int DIGITS = 99;
    /** A line this late is not caught up with: the schedule starts again from now. */
    private static final long MAX_CATCH_UP_MILLIS = 20;

    private static final long MAX_CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_CATCH_UP_MILLIS);

    private PacedLines() {}

    public static void main(String[] args) throws IOException {
        long rate = Long.parseLong(args[0]);
        long lines = Long.parseLong(args[1]);
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        byte[] line = new byte[DIGITS + 1];
        line[DIGITS] = '\n';
        long start = System.nanoTime();
        long due = start;
        long worstLate = 0;
        long worstWrite = 0;
        for (long i = 1; i <= lines; i++) {
            long now = System.nanoTime();
            long wait = due - now;
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (-wait > MAX_CATCH_UP_NANOS) {
                // Late (no CPU for a while, or the pipe was full): go on at the rate from here
                // rather than print the backlog in one burst, as a server logging as it works does.
                worstLate = Math.max(worstLate, -wait);
                due = now;
            }
            number(line, i);
            long before = System.nanoTime();
            out.write(line);
            worstWrite = Math.max(worstWrite, System.nanoTime() - before);
            due += TimeUnit.SECONDS.toNanos(1) / rate;
        }
        long elapsed = System.nanoTime() - start;
        out.close();
        if (args.length > 2) {
            Files.writeString(
                    Path.of(args[2]),
                    String.format(
                            Locale.ROOT,
                            "printed %d lines in %.3f s (%.0f lines/s); at worst %.1f ms behind schedule,"
                                    + " longest write (a full pipe) %.1f ms%n",
                            lines,
                            elapsed / 1e9,
                            lines / (elapsed / 1e9),
                            worstLate / 1e6,
                            worstWrite / 1e6));
        }
    }

    private static void number(byte[] line, long value) {
        long v = value;
        for (int i = DIGITS - 1; i >= 0; i--) {
            line[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }
}
