package io.procgate.docker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** A gateway started by a script (entrypoint.sh), with its output collected line by line. */
final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("(\\w+) listening on ([\\d.]+|\\[[^]]+]):(\\d+)");

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final Thread reader;

    private GatewayProcess(Process process) {
        this.process = process;
        reader = new Thread(this::read, "gateway-output");
        reader.setDaemon(true);
        reader.start();
    }

    static GatewayProcess start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        return new GatewayProcess(pb.start());
    }

    private void read() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    String outputText() {
        return String.join("\n", output());
    }

    /** Waits for {@code text} in the output (fails early, with the output, if the process ends). */
    void awaitOutput(String text, Duration timeout) {
        Awaitility.await("'" + text + "' in the gateway's output")
                .atMost(timeout)
                .until(() -> {
                    if (outputText().contains(text)) {
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError("the gateway ended (" + process.exitValue() + "):\n" + outputText());
                    }
                    return false;
                });
    }

    /** The port {@code protocol}'s first listener bound, from its {@code listening on} line. */
    int port(String protocol) {
        for (String line : output()) {
            Matcher m = LISTENING.matcher(line);
            if (m.find() && m.group(1).equals(protocol)) {
                return Integer.parseInt(m.group(3));
            }
        }
        throw new AssertionError("no listening line for " + protocol + " in:\n" + outputText());
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, then the exit status. */
    int terminate(Duration timeout) throws InterruptedException {
        // through the handle: Process.destroy() would also close our end of its output
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the gateway did not stop within " + timeout + ":\n" + outputText());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10)); // the last lines
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
