package io.procgate.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code hocon} block of the documentation is a configuration the gateway accepts: loaded
 * with its own loader (unknown keys, types, values) and started (each protocol's listener checks),
 * on free ports, with no process started.
 */
class HoconExamplesTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyHoconBlockLoadsAndStarts() {
        List<Docs.Block> blocks = Docs.blocks("hocon");
        assertThat(blocks).hasSizeGreaterThan(8);
        return blocks.stream()
                .map(b -> DynamicTest.dynamicTest(b.where(), () -> {
                    Config config = GatewayConfig.parse(b.text());
                    Path dir = Files.createTempDirectory(tmp, "block");
                    try (Gateway gateway = Gateway.start(new TestGateway(dir).rewrite(config, false))) {
                        assertThat(gateway.boundAddresses("http")).hasSize(1);
                    }
                }));
    }

    @Test
    void theExampleFileIsTheConfigurationGettingStartedShows() {
        String file = Docs.read(Docs.docsDir().resolve("examples/first.conf"));
        String withoutComments = file.lines().filter(l -> !l.startsWith("#")).reduce("", (a, l) -> a + l + "\n");
        Docs.Block shown = Docs.blocks(Docs.docsDir().resolve("getting-started.md")).stream()
                .filter(b -> b.lang().equals("hocon"))
                .findFirst()
                .orElseThrow();
        assertThat(shown.text()).isEqualTo(withoutComments);
    }

    @Test
    void theReadmeCommandsExist() {
        String readme = Docs.read(Docs.root().resolve("README.md"));
        assertThat(readme).contains("    ./gateway\n").contains("    ./test\n");
        assertThat(Docs.root().resolve("gateway")).isExecutable();
        assertThat(Docs.root().resolve("test")).isExecutable();
        assertThat(Docs.root().resolve("tcproc")).isExecutable();
    }
}
