package io.procgate.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The benchmarks' output lines: {@value #LINE_BYTES} bytes each, numbered, newline included. */
final class Lines {
    static final int LINE_BYTES = 100;

    private Lines() {}

    static String line(long i) {
        String prefix = String.format(Locale.ROOT, "line %012d ", i);
        return prefix + "x".repeat(LINE_BYTES - 1 - prefix.length()) + "\n";
    }

    /** Writes lines 0 to {@code lines - 1} to {@code file}, unless it already holds them. */
    static void write(Path file, long lines) throws IOException {
        if (Files.exists(file) && Files.size(file) == lines * LINE_BYTES) {
            return;
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (long i = 0; i < lines; i++) {
                out.write(line(i).getBytes(StandardCharsets.US_ASCII));
            }
        }
    }
}
