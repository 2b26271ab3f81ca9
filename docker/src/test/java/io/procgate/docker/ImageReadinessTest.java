package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@code /readyz} in the container, as a Kubernetes readiness probe or an Agones Ready sees it:
 * {@code 503} while the game server loads its world (its ready line not printed yet), {@code 200}
 * once it is, while {@code /healthz} (the image's HEALTHCHECK: the gateway itself) is {@code 200}
 * throughout.
 */
@Testcontainers(disabledWithoutDocker = true)
class ImageReadinessTest {
    /**
     * How long the example server "loads": long enough for the gateway's JVM to answer /healthz
     * and for the test to ask /readyz before the ready line, on a busy machine.
     */
    private static final int LOAD_SECONDS = 40;

    private static final Duration READY = Duration.ofSeconds(LOAD_SECONDS + 60);

    private GenericContainer<?> gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    @Test
    void readyzIs503WhileTheServerLoadsAnd200OnceItPrintsItsReadyLine() throws Exception {
        gateway = ExampleGateway.container()
                .withEnv("GAME_LOAD_SECONDS", Integer.toString(LOAD_SECONDS))
                .waitingFor(Wait.forHttp("/healthz")
                        .forPort(ExampleGateway.HTTP)
                        .forStatusCode(200)
                        .withStartupTimeout(ExampleGateway.START));
        gateway.start();
        int http = gateway.getMappedPort(ExampleGateway.HTTP);
        String host = gateway.getHost();

        try (TcprocdWire c = new TcprocdWire(host, gateway.getMappedPort(ExampleGateway.TCPROCD))) {
            assertThat(c.login("admin", ImageFiles.ADMIN_PASSWORD)).isEqualTo("OK");
            await().atMost(ExampleGateway.START).until(() -> c.cat("game", 0).contains("[Server] loading world\n"));
            // asked while the history shows the load and not yet its end
            HttpResponse<String> loading = ExampleGateway.get(host, http, "/readyz");
            assertThat(c.cat("game", 0))
                    .as("the server is still loading when /readyz is asked")
                    .doesNotContain("[Server] ready");
            assertThat(loading.statusCode()).isEqualTo(503);
            assertThat(loading.body()).startsWith("not ready: ").contains("game");
            assertThat(ExampleGateway.get(host, http, "/healthz").statusCode()).isEqualTo(200);

            await().atMost(READY).until(() -> c.cat("game", 0).contains("[Server] ready\n"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ExampleGateway.get(host, http, "/readyz").statusCode() == 200);
            assertThat(ExampleGateway.get(host, http, "/readyz").body()).startsWith("ready");
        }
    }
}
