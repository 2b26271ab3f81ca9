package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/entrypoint.sh outside a container: it runs the real shaded jar with the image's
 * gateway.conf (ports moved to free ones, data in a temporary directory), answers the image's
 * health check, passes other commands through, and refuses an unwritable data directory.
 */
class EntrypointTest {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static Path entrypoint() {
        return Repo.path("docker/entrypoint.sh");
    }

    private static Path jar() {
        Path jar = Repo.path("distribution/target/procgate.jar");
        Assumptions.assumeTrue(
                Files.isRegularFile(jar),
                "no " + jar + ": the distribution module builds it (mvn verify builds it before this module)");
        return jar;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static boolean hasPlugin(String name) {
        return ServiceLoader.load(io.procgate.core.spi.ProtocolPlugin.class).stream()
                .anyMatch(p -> p.get().name().equals(name));
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private Map<String, String> env(Path config) {
        Map<String, String> env = new HashMap<>();
        env.put("PROCGATE_JAR", jar().toString());
        env.put("PROCGATE_CONFIG", config.toString());
        env.put("PROCGATE_DATA_DIR", tmp.resolve("data").toString());
        env.put("JAVA", java());
        env.put("JAVA_OPTS", "-Xmx256m");
        env.put("PROCGATE_ADMIN_PASSWORD", ImageFiles.ADMIN_PASSWORD);
        env.put("PROCGATE_TCPR_PASSWORD", ImageFiles.TCPR_PASSWORD);
        return env;
    }

    private static ProcessResult run(Map<String, String> env, String input, String... args)
            throws IOException, InterruptedException {
        List<String> command =
                new java.util.ArrayList<>(List.of("bash", entrypoint().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ProcessResult(p.exitValue(), out);
    }

    record ProcessResult(int status, String output) {}

    /** The image's config with free ports and the example's game server, as the compose example sets it up. */
    private Path testConfig() throws IOException {
        Path game = Repo.path("docker/example/game");
        StringBuilder conf = new StringBuilder();
        conf.append("include file(\"")
                .append(Repo.path(ImageFiles.GATEWAY_CONF))
                .append("\")\n");
        conf.append("gateway {\n");
        conf.append("  allow-root-children = ").append(isRoot()).append('\n');
        conf.append("  shutdown-timeout = 10s\n");
        conf.append("  tcprocd.listeners = [{ host = \"0.0.0.0\", port = 0 }]\n");
        conf.append("  http.port = 0\n");
        conf.append("  users.admin { password = ${PROCGATE_ADMIN_PASSWORD}, admin = true }\n");
        conf.append("  processes.game { command = \"sh ")
                .append(game.resolve("server.sh"))
                .append("\", path = \"")
                .append(game)
                .append("\", autostart = true, stop-command = stop }\n");
        if (hasPlugin("tcpr")) {
            conf.append("  tcpr.listeners = [{ host = \"0.0.0.0\", port = 0, process = game,"
                    + " password = ${PROCGATE_TCPR_PASSWORD} }]\n");
        }
        if (hasPlugin("pcp")) {
            conf.append("  pcp.listeners = [{ host = \"0.0.0.0\", port = 0, user = admin }]\n");
        }
        conf.append("}\n");
        return Files.writeString(tmp.resolve("test.conf"), conf.toString());
    }

    @Test
    void runsTheGatewayWithTheImageConfigAnswersHealthChecksAndStopsOnSigterm() throws Exception {
        Map<String, String> env = env(testConfig());
        try (GatewayProcess gateway =
                GatewayProcess.start(List.of("bash", entrypoint().toString()), env)) {
            gateway.awaitOutput("procgate started", START);
            int tcprocd = gateway.port("tcprocd");
            int http = gateway.port("http");
            // all interfaces: Netty's epoll binds 0.0.0.0 as a dual-stack socket, logged as [::]
            assertThat(gateway.outputText())
                    .containsAnyOf("tcprocd listening on 0.0.0.0:" + tcprocd, "tcprocd listening on [::]:" + tcprocd);

            // the script exec'd the JVM: the pid we started is the gateway itself
            assertThat(ProcessHandle.of(gateway.pid()).flatMap(h -> h.info().command()))
                    .hasValueSatisfying(c -> assertThat(c).endsWith("java"));

            Map<String, String> health = new HashMap<>(env);
            health.put("PROCGATE_HEALTH_PORT", Integer.toString(http));
            ProcessResult healthy = run(health, null, "healthcheck");
            assertThat(healthy.status()).as(healthy.output()).isZero();
            assertThat(healthy.output()).isEqualTo("healthy: HTTP/1.1 200 OK\n");
            health.put("PROCGATE_HEALTH_PATH", "/readyz");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> run(health, null, "healthcheck").status() == 0);

            try (TcprocdWire c = new TcprocdWire("127.0.0.1", tcprocd)) {
                assertThat(c.login("admin", ImageFiles.ADMIN_PASSWORD)).isEqualTo("OK");
                assertThat(c.list()).isEqualTo("game\n");
                assertThat(c.command("game", "say hello from the test")).isEqualTo("OK");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> c.cat("game", 0).contains("[Chat] hello from the test\n"));
                assertThat(c.cat("game", 0))
                        .startsWith("[Server] starting on port 25565\n[Server] loading world\n[Server] ready\n");
            }
            if (hasPlugin("tcpr")) {
                try (Socket s = new Socket("127.0.0.1", gateway.port("tcpr"))) {
                    s.setSoTimeout(10_000);
                    BufferedReader r =
                            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    s.getOutputStream().write((ImageFiles.TCPR_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
                    assertThat(r.readLine())
                            .contains("TCP RCON Connection from 127.0.0.1:")
                            .endsWith("is now authenticated");
                    s.getOutputStream().write("list\n".getBytes(StandardCharsets.UTF_8));
                    String line;
                    do {
                        line = r.readLine();
                    } while (line != null && !line.endsWith("[Server] 0 players online"));
                    assertThat(line).isNotNull();
                }
            }
            HttpResponse<String> metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body())
                    .contains("procgate_process_state{process=\"game\",state=\"running\"} 1.0")
                    .contains("procgate_protocol_connections_total{protocol=\"tcprocd\"}");

            assertThat(gateway.terminate(Duration.ofSeconds(30)))
                    .as(gateway.outputText())
                    .isZero();
            assertThat(gateway.outputText())
                    .contains("game: exited with exit code 0")
                    .contains("procgate stopped");
        }
    }

    @Test
    void healthcheckFailsWhenNothingAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessResult r = run(Map.of("PROCGATE_HEALTH_PORT", Integer.toString(port)), null, "healthcheck");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.output()).contains("unhealthy: cannot connect to 127.0.0.1:" + port);
    }

    @Test
    void otherCommandsRunAsGivenAndHashPasswordUsesTheJar() throws Exception {
        ProcessResult echo = run(Map.of(), null, "echo", "a", "b");
        assertThat(echo.status()).isZero();
        assertThat(echo.output()).isEqualTo("a b\n");
        ProcessResult hash = run(Map.of("PROCGATE_JAR", jar().toString(), "JAVA", java()), "secret\n", "hash-password");
        assertThat(hash.status()).as(hash.output()).isZero();
        assertThat(hash.output().strip()).startsWith("pbkdf2-sha256$");
    }

    @Test
    void missingJarOrConfigIsOneClearLine() throws Exception {
        ProcessResult noJar = run(Map.of("PROCGATE_JAR", tmp.resolve("nope.jar").toString()), null);
        assertThat(noJar.status()).isEqualTo(1);
        assertThat(noJar.output())
                .isEqualTo("procgate-entrypoint: no gateway jar at " + tmp.resolve("nope.jar") + " (PROCGATE_JAR)\n");
        ProcessResult noConfig = run(
                Map.of(
                        "PROCGATE_JAR",
                        jar().toString(),
                        "PROCGATE_CONFIG",
                        tmp.resolve("none.conf").toString()),
                null);
        assertThat(noConfig.status()).isEqualTo(1);
        assertThat(noConfig.output()).contains("cannot read the configuration " + tmp.resolve("none.conf"));
    }

    @Test
    void refusesADataDirectoryTheGatewayUserCannotWrite() throws Exception {
        Assumptions.assumeTrue(isRoot(), "needs root, to run the entrypoint as another user (nobody)");
        Path data = Files.createDirectories(tmp.resolve("rootdata"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = tmp.resolve("entrypoint.sh");
        Files.copy(entrypoint(), script);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Files.writeString(tmp.resolve("c.conf"), "gateway {}\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        Path fakeJar = Files.writeString(tmp.resolve("fake.jar"), "");
        Files.setPosixFilePermissions(fakeJar, PosixFilePermissions.fromString("rw-r--r--"));
        ProcessBuilder pb = new ProcessBuilder(
                        "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "bash", script.toString())
                .redirectErrorStream(true);
        pb.environment().put("PROCGATE_DATA_DIR", data.toString());
        pb.environment().put("PROCGATE_JAR", fakeJar.toString());
        pb.environment().put("PROCGATE_CONFIG", config.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).startsWith("procgate-entrypoint: the data directory " + data + " is not writable by nobody");
    }
}
