package io.procgate.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's {@code Main} in a child JVM, as the launcher runs it, with its stdout and stderr
 * drained by threads so that it never blocks on a full pipe. For tests of exit codes, signals and
 * crashes.
 */
public final class ChildGateway implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final Drain out;
    private final Drain err;

    private ChildGateway(Process process) {
        this.process = process;
        this.out = new Drain(process.getInputStream());
        this.err = new Drain(process.getErrorStream());
    }

    /** Runs {@code io.procgate.core.Main args} in {@code workDir}, with this JVM's class path. */
    public static ChildGateway start(Path workDir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                // as the launcher runs it: JDK 22+ warns on stderr without it
                "--enable-native-access=ALL-UNNAMED",
                "io.procgate.core.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).start();
        p.getOutputStream().close();
        return new ChildGateway(p);
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** Everything it printed on stdout so far. */
    public String out() {
        return out.text();
    }

    public String err() {
        return err.text();
    }

    /** Sends a signal by name ({@code TERM}, {@code HUP}, {@code KILL}...) to the JVM. */
    public void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
                .start()
                .waitFor();
    }

    /** Waits for it to exit and returns the exit code. */
    public int waitFor() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the gateway did not exit within " + WAIT + "; stdout: " + out());
        }
        return process.exitValue();
    }

    /** All of stdout, once the child has closed it. */
    public String joinOut() throws InterruptedException {
        return out.join();
    }

    public String joinErr() throws InterruptedException {
        return err.join();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static final class Drain {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        Drain(InputStream in) {
            thread = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (bytes) {
                            bytes.write(buf, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        String join() throws InterruptedException {
            thread.join(WAIT.toMillis());
            return text();
        }
    }
}
