package io.procgate.host.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a test's directory, to fill for real: {@link #fill()} writes a filler
 * file until the kernel answers ENOSPC, {@link #free()} deletes it. Needs root (the build
 * machines run as root); elsewhere the test is skipped with the reason.
 */
public final class SmallDisk implements AutoCloseable {
    private static final String FILLER = "filler";
    private static final int FILL_CHUNK = 16 << 10;

    private final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (as mount's {@code size=} option, e.g. {@code 1m}) on {@code dir}. */
    public static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String failure = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()));
        Assumptions.assumeTrue(failure == null, () -> "needs root to mount a small tmpfs (mount -t tmpfs): " + failure);
        return new SmallDisk(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a filler file until the disk is full; returns its size. */
    public long fill() throws IOException {
        Path filler = dir.resolve(FILLER);
        long written = 0;
        byte[] chunk = new byte[FILL_CHUNK];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int size = FILL_CHUNK; size > 0; ) {
                try {
                    out.write(chunk, 0, size);
                    out.flush();
                    written += size;
                } catch (IOException full) {
                    size /= 2; // fill the last pages to the byte
                }
            }
        } catch (IOException closingAFullFile) {
            // Nothing is buffered: every write above was flushed or failed.
        }
        return written;
    }

    /** Deletes the filler: the space is back. */
    public void free() throws IOException {
        Files.deleteIfExists(dir.resolve(FILLER));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String failure = run(List.of("umount", "-l", dir.toString()));
        if (failure != null) {
            throw new IOException("cannot unmount " + dir + ": " + failure);
        }
    }

    /** Runs a command; null if it succeeded, else what it printed. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out.strip() + " (exit " + p.exitValue() + ")";
    }
}
