package io.procgate.bench;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A chatty console at a fixed rate: prints lines 1..N, each its number in 99 digits plus {@code
 * \n}, RATE lines per second, each line in a write of its own (as a server logging line by line
 * does). Used by {@code bench/tcpr-fanout} as the console-rate child.
 *
 * <p>Usage: {@code PacedLines RATE N}.
 */
public final class PacedLines {
    private static final int DIGITS = 99;

    private PacedLines() {}

    public static void main(String[] args) throws IOException {
        long rate = Long.parseLong(args[0]);
        long lines = Long.parseLong(args[1]);
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        byte[] line = new byte[DIGITS + 1];
        line[DIGITS] = '\n';
        long start = System.nanoTime();
        for (long i = 1; i <= lines; i++) {
            long due = start + (i - 1) * TimeUnit.SECONDS.toNanos(1) / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            number(line, i);
            out.write(line);
        }
        out.close();
    }

    private static void number(byte[] line, long value) {
        long v = value;
        for (int i = DIGITS - 1; i >= 0; i--) {
            line[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }
}
