package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The image run as the compose example runs it: docker/example/local.conf and the example game
 * server mounted read-only, the passwords in the environment, every listener's port published.
 */
final class ExampleGateway {
    static final int TCPROCD = 20103;
    static final int TCPR = 50301;
    static final int PCP = 40100;
    static final int PCP_DATA = 40101;
    static final int HTTP = 9100;
    static final String DATA_DIR = "/var/lib/procgate";
    /** The JVM's start and the game server's load, on a busy 2-core machine. */
    static final Duration START = Duration.ofMinutes(2);
    /** Above gateway.conf's shutdown-timeout (25 s), as compose's stop_grace_period. */
    static final int STOP_SECONDS = 40;

    private ExampleGateway() {}

    /** A container of the image under test with the example's configuration; not started. */
    static GenericContainer<?> container() {
        return new GenericContainer<>(DockerImageName.parse(ProcgateImage.name()))
                .withEnv("PROCGATE_ADMIN_PASSWORD", ImageFiles.ADMIN_PASSWORD)
                .withEnv("PROCGATE_TCPR_PASSWORD", ImageFiles.TCPR_PASSWORD)
                .withFileSystemBind(
                        Repo.path(ImageFiles.LOCAL_CONF).toString(), "/etc/procgate/local.conf", BindMode.READ_ONLY)
                .withFileSystemBind(Repo.path("docker/example/game").toString(), "/srv/game", BindMode.READ_ONLY)
                .withExposedPorts(TCPROCD, TCPR, PCP, PCP_DATA, HTTP)
                .waitingFor(
                        Wait.forHttp("/readyz").forPort(HTTP).forStatusCode(200).withStartupTimeout(START));
    }

    static DockerClient client() {
        return DockerClientFactory.instance().client();
    }

    static InspectContainerResponse.ContainerState state(String containerId) {
        return client().inspectContainerCmd(containerId).exec().getState();
    }

    /** The host port the engine published {@code port} on, read afresh (it changes on a restart). */
    static int hostPort(String containerId, int port) {
        Ports.Binding[] bindings = client().inspectContainerCmd(containerId)
                .exec()
                .getNetworkSettings()
                .getPorts()
                .getBindings()
                .get(ExposedPort.tcp(port));
        assertThat(bindings).as("published bindings of " + port).isNotEmpty();
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    /** GET {@code path}: the status and body. */
    static HttpResponse<String> get(String host, int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** A file of the container's (running or stopped), through the engine's archive API. */
    static String readFile(String containerId, String path) {
        try (InputStream tar =
                client().copyArchiveFromContainerCmd(containerId, path).exec()) {
            return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
