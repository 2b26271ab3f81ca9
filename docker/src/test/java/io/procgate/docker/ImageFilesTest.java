package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.procgate.core.GatewayConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Everything about the image that can be checked without Docker. */
class ImageFilesTest {

    @Test
    void theImageConfigIsValidAndBindsAllInterfacesWhileTheDefaultStaysOnLoopback() {
        Config image = ImageFiles.imageConfig();
        assertThat(image.getConfigList("gateway.tcprocd.listeners"))
                .allSatisfy(l -> assertThat(l.getString("host")).isEqualTo("0.0.0.0"));
        assertThat(image.getString("gateway.http.host")).isEqualTo("0.0.0.0");
        assertThat(image.getBoolean("gateway.http.enabled")).isTrue();
        assertThat(image.getString("gateway.data-dir")).isEqualTo("/var/lib/procgate");
        assertThat(image.getString("gateway.transport")).isEqualTo("epoll");

        Config defaults = GatewayConfig.parse("");
        assertThat(defaults.getConfigList("gateway.tcprocd.listeners").get(0).getString("host"))
                .isEqualTo("127.0.0.1");
        assertThat(defaults.getString("gateway.http.host")).isEqualTo("127.0.0.1");
    }

    @Test
    void theImageConfigReadsLocalConfLastAndTheDataDirFromTheEnvironment() {
        String conf = Repo.read(ImageFiles.GATEWAY_CONF).strip();
        assertThat(conf).endsWith("include file(\"/etc/procgate/local.conf\")");
        assertThat(conf).contains("data-dir = ${?PROCGATE_DATA_DIR}");
    }

    @Test
    void theComposeExampleConfigIsValidAndStartsTheGameServer() {
        Config example = ImageFiles.exampleConfig("");
        assertThat(example.getBoolean("gateway.processes.game.autostart")).isTrue();
        assertThat(example.getString("gateway.processes.game.command")).isEqualTo("sh /srv/game/server.sh");
        assertThat(example.getConfigList("gateway.tcpr.listeners").get(0).getString("process"))
                .isEqualTo("game");
        assertThat(example.getConfigList("gateway.tcpr.listeners").get(0).getString("password"))
                .isEqualTo(ImageFiles.TCPR_PASSWORD);
        assertThat(example.getString("gateway.users.admin.password")).isEqualTo(ImageFiles.ADMIN_PASSWORD);
        for (String list : List.of("tcprocd", "tcpr", "pcp")) {
            assertThat(example.getConfigList("gateway." + list + ".listeners"))
                    .allSatisfy(l -> assertThat(l.getString("host")).isEqualTo("0.0.0.0"));
        }
    }

    @Test
    void dockerfileCopiesFilesThatExistAndRunsTheEntrypointUnderTini() {
        List<String> copies = ImageFiles.instructions("COPY");
        assertThat(copies).isNotEmpty();
        for (String copy : copies) {
            List<String> args = new ArrayList<>(List.of(copy.split(" ")));
            if (args.stream().anyMatch(a -> a.startsWith("--from="))) {
                continue;
            }
            args.removeIf(a -> a.startsWith("--"));
            for (String source : args.subList(0, args.size() - 1)) {
                if (source.contains("/target/")) {
                    continue; // made by the Maven build, before the image
                }
                assertThat(Repo.path(source)).as("COPY source " + source).exists();
            }
        }
        assertThat(ImageFiles.instructions("FROM")).containsExactly("debian:bookworm-slim");
        assertThat(ImageFiles.instructions("ENTRYPOINT"))
                .containsExactly("[\"/usr/bin/tini\", \"--\", \"/usr/local/bin/procgate-entrypoint\"]");
        assertThat(ImageFiles.instructions("HEALTHCHECK"))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .endsWith("CMD [\"/usr/local/bin/procgate-entrypoint\", \"healthcheck\"]");
        assertThat(copies)
                .anySatisfy(c -> assertThat(c).endsWith("docker/entrypoint.sh /usr/local/bin/procgate-entrypoint"));
        assertThat(copies).anySatisfy(c -> assertThat(c).isEqualTo("docker/gateway.conf /etc/procgate/gateway.conf"));
        assertThat(ImageFiles.instructions("RUN"))
                .anySatisfy(
                        r -> assertThat(r).contains("install -y --no-install-recommends openjdk-17-jre-headless tini"));
        assertThat(ImageFiles.instructions("USER")).containsExactly("procgate:procgate");
        assertThat(ImageFiles.instructions("VOLUME")).containsExactly("[\"/var/lib/procgate\"]");
        assertThat(Files.isExecutable(Repo.path("docker/entrypoint.sh"))).isTrue();
    }

    @Test
    void dockerfileNeedsNoBuildKit() {
        // Testcontainers builds with the classic builder, which rejects BuildKit's extensions
        String dockerfile = Repo.read(ImageFiles.DOCKERFILE);
        assertThat(dockerfile)
                .doesNotContain("--mount")
                .doesNotContain("--chmod")
                .doesNotContain("--link")
                .doesNotContain("<<")
                .doesNotContainPattern("(?m)^# *syntax=");
    }

    @Test
    void theImageCopiesTheJarTheDistributionMakesAndTheContextSendsNothingElse() {
        assertThat(ImageFiles.instructions("COPY"))
                .contains("distribution/target/procgate.jar /opt/procgate/procgate.jar");
        assertThat(ImageFiles.instructions("RUN"))
                .noneSatisfy(r -> assertThat(r).contains("mvn"));
        assertThat(Repo.read("distribution/pom.xml")).contains("<finalName>procgate</finalName>");
        // an allow-list: everything excluded, then each file a COPY names let in again
        List<String> ignore = Repo.read(".dockerignore")
                .lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        assertThat(ignore.get(0)).isEqualTo("*");
        List<String> sources = new ArrayList<>();
        for (String copy : ImageFiles.instructions("COPY")) {
            sources.add(copy.split(" ")[0]);
        }
        assertThat(ignore.subList(1, ignore.size()))
                .containsExactlyInAnyOrderElementsOf(
                        sources.stream().map(f -> "!" + f).toList());
    }

    @Test
    void everyListenerPortIsExposedAndPublished() {
        Set<Integer> listenerPorts = new TreeSet<>();
        Config example = ImageFiles.exampleConfig("");
        for (String protocol : List.of("tcprocd", "tcpr", "pcp")) {
            for (Config l : example.getConfigList("gateway." + protocol + ".listeners")) {
                listenerPorts.add(l.getInt("port"));
                if (l.hasPath("data-port")) {
                    listenerPorts.add(l.getInt("data-port"));
                }
            }
        }
        listenerPorts.add(example.getInt("gateway.http.port"));
        assertThat(listenerPorts).containsExactly(9100, 20103, 40100, 40101, 50301);
        assertThat(ImageFiles.exposed()).isEqualTo(listenerPorts);
        assertThat(ImageFiles.published()).isEqualTo(listenerPorts);
    }

    @Test
    void composeMountsFilesThatExistWhereTheConfigExpectsThem() {
        List<String[]> volumes = ImageFiles.composeVolumes();
        List<String> targets = volumes.stream().map(v -> v[1]).toList();
        assertThat(targets).containsExactlyInAnyOrder("/var/lib/procgate", "/etc/procgate/local.conf", "/srv/game");
        for (String[] v : volumes) {
            if (v[0].startsWith("./")) {
                assertThat(Repo.path("docker").resolve(v[0])).as(v[0]).exists();
            } else {
                assertThat(Repo.read(ImageFiles.COMPOSE))
                        .as("named volume " + v[0])
                        .contains("\n  " + v[0] + ":");
            }
        }
        String compose = Repo.read(ImageFiles.COMPOSE);
        assertThat(compose).contains("context: ..").contains("dockerfile: docker/Dockerfile");
        assertThat(Repo.path("docker").resolve("..").resolve("docker/Dockerfile"))
                .exists();
        assertThat(Files.isExecutable(Repo.path("docker/example/game/server.sh")))
                .isTrue();
    }

    @Test
    void composeGivesTheGatewayTimeToStopItsChildrenAndPassesEveryVariableTheConfigNeeds() {
        String compose = Repo.read(ImageFiles.COMPOSE);
        Matcher grace = Pattern.compile("stop_grace_period: (\\d+)s").matcher(compose);
        assertThat(grace.find()).isTrue();
        Duration shutdown = ImageFiles.imageConfig().getDuration("gateway.shutdown-timeout");
        assertThat(Duration.ofSeconds(Long.parseLong(grace.group(1)))).isGreaterThan(shutdown.plusSeconds(5));
        Matcher vars = Pattern.compile("\\$\\{(PROCGATE_\\w+)}").matcher(Repo.read(ImageFiles.LOCAL_CONF));
        int count = 0;
        while (vars.find()) {
            assertThat(compose).contains(vars.group(1) + ": ${" + vars.group(1));
            count++;
        }
        assertThat(count).isEqualTo(2);
        assertThat(Repo.read(ImageFiles.LOCAL_CONF)).contains("path = \"/srv/game\"");
    }
}
