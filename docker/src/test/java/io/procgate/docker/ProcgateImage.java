package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The image under test, built once per test run the way docs/operations.md says: the base
 * (debian:bookworm-slim, pulled or made by docker/debian-base.sh), then {@code docker build -f
 * docker/Dockerfile -t procgate:test .} from the repository root, from the jar the reactor has just
 * packaged. Docker's layer cache keeps the JRE layer between runs, so a rebuild only copies the
 * jar; the image a rebuild replaces is removed. Prints the image's size and build time.
 */
final class ProcgateImage {
    static final String NAME = "procgate:test";
    static final String BASE = "debian:bookworm-slim";
    /** Making the base with mmdebstrap and installing the JRE take a minute or two; a hung mirror must not hang the build. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);
    /** The JRE and Debian are most of it; a jump past this means something unintended went in. */
    static final long MAX_SIZE_BYTES = 600L * 1024 * 1024;

    private static String built;

    private ProcgateImage() {}

    /** The image's name, built on first use. */
    static synchronized String name() {
        if (built == null) {
            built = build();
        }
        return built;
    }

    private static String build() {
        Path jar = Repo.path("distribution/target/procgate.jar");
        assertThat(jar)
                .as("the image copies the jar the Maven reactor makes (mvn package -pl distribution -am)")
                .isRegularFile();
        long start = System.nanoTime();
        DockerCli.Result base =
                DockerCli.run(Repo.root(), java.util.Map.of(), BUILD_TIMEOUT, "bash", "docker/debian-base.sh", BASE);
        assertThat(base.ok()).as(base.describe()).isTrue();
        long baseDone = System.nanoTime();
        String previous = imageId(NAME);
        DockerCli.Result build =
                DockerCli.docker(BUILD_TIMEOUT, "build", "-q", "-f", "docker/Dockerfile", "-t", NAME, ".");
        assertThat(build.ok()).as(build.describe()).isTrue();
        String id = imageId(NAME);
        if (previous != null && !previous.equals(id)) {
            DockerCli.docker(Duration.ofMinutes(1), "image", "rm", previous); // still used elsewhere: kept
        }
        long size = Long.parseLong(DockerCli.docker(Duration.ofMinutes(1), "image", "inspect", "-f", "{{.Size}}", NAME)
                .out()
                .strip());
        System.out.printf(
                Locale.ROOT,
                "[IMAGE] %s (%s): %.0f MB; base ready in %.1f s, image built in %.1f s; jar %.1f MB%n",
                NAME,
                id.substring(0, Math.min(id.length(), 19)),
                size / 1e6,
                (baseDone - start) / 1e9,
                (System.nanoTime() - baseDone) / 1e9,
                sizeOf(jar) / 1e6);
        assertThat(size).as("image size").isLessThan(MAX_SIZE_BYTES);
        return NAME;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The image's id, or null if there is no such image. */
    private static String imageId(String name) {
        DockerCli.Result r = DockerCli.docker(Duration.ofMinutes(1), "image", "inspect", "-f", "{{.Id}}", name);
        return r.ok() ? r.out().strip() : null;
    }
}
