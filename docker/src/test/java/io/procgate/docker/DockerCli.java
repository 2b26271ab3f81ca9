package io.procgate.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the docker and docker-compose command-line tools, as a user types them: for what the tests
 * must show through the same commands the docs give (docker build, docker-compose up / down).
 */
final class DockerCli {
    private DockerCli() {}

    /** What a command printed and how it ended. */
    record Result(List<String> command, int status, String out, String err) {
        boolean ok() {
            return status == 0;
        }

        /** For assertion messages: the command and everything it printed. */
        String describe() {
            return String.join(" ", command) + " -> " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** True when {@code tool} is on the PATH. */
    static boolean has(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Path.of(dir, tool).toFile().canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code command} in {@code dir} with extra {@code env}; kills it after {@code timeout}. */
    static Result run(Path dir, Map<String, String> env, Duration timeout, String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(
                        String.join(" ", command) + " did not end within " + timeout + "\n" + out.join() + err.join());
            }
            return new Result(List.of(command), p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code docker ARGS...} from the repository root. */
    static Result docker(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(Repo.root(), Map.of(), timeout, command.toArray(String[]::new));
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output lost: " + e.getMessage() + ")";
            }
        });
    }
}
