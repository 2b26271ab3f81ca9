package io.procgate.docker;

import com.typesafe.config.Config;
import io.procgate.core.GatewayConfig;
import io.procgate.core.spi.ProtocolPlugin;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** Reads the image's files the way Docker and the gateway do, for the tests. */
final class ImageFiles {
    static final String DOCKERFILE = "docker/Dockerfile";
    static final String GATEWAY_CONF = "docker/gateway.conf";
    static final String LOCAL_CONF = "docker/example/local.conf";
    static final String COMPOSE = "docker/compose.yaml";
    static final String ADMIN_PASSWORD = "admin-secret";
    static final String TCPR_PASSWORD = "tcpr-secret";

    private ImageFiles() {}

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    static List<String> instructions() {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Repo.read(DOCKERFILE).split("\n")) {
            String t = line.strip();
            if (current.length() == 0 && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            current.append(t);
            out.add(current.toString().replaceAll("\\s+", " "));
            current.setLength(0);
        }
        return out;
    }

    static List<String> instructions(String keyword) {
        return instructions().stream()
                .filter(i -> i.regionMatches(true, 0, keyword + " ", 0, keyword.length() + 1))
                .map(i -> i.substring(keyword.length() + 1))
                .toList();
    }

    /** The ports in the Dockerfile's EXPOSE lines. */
    static Set<Integer> exposed() {
        Set<Integer> ports = new TreeSet<>();
        for (String e : instructions("EXPOSE")) {
            for (String p : e.split(" ")) {
                ports.add(Integer.parseInt(p.replaceAll("/tcp$", "")));
            }
        }
        return ports;
    }

    /**
     * The container ports compose.yaml publishes ({@code "[IP:]HOST:CONTAINER"} entries, HOST a
     * number or {@code ${VARIABLE:-NUMBER}}).
     */
    static Set<Integer> published() {
        Set<Integer> ports = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*-\\s*\"(?:[\\d.]+:)?(?:\\d+|\\$\\{\\w+:-\\d+}):(\\d+)\"")
                .matcher(Repo.read(COMPOSE));
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        return ports;
    }

    /** compose.yaml's volume entries {@code SOURCE:TARGET[:MODE]}. */
    static List<String[]> composeVolumes() {
        List<String[]> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*-\\s*([\\w./-]+):(/[\\w./-]*)(?::(ro|rw))?\\s*$")
                .matcher(Repo.read(COMPOSE));
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }

    /** The image's config alone, as the gateway loads it. */
    static Config imageConfig() {
        return GatewayConfig.load(Repo.path(GATEWAY_CONF));
    }

    /**
     * The compose example's config: the image's file, then local.conf (as the image's include
     * does), with the passwords compose passes in the environment.
     */
    static Config exampleConfig(String overrides) {
        assumePlugins("tcprocd", "tcpr", "pcp", "http");
        return GatewayConfig.parse("PROCGATE_ADMIN_PASSWORD = \"" + ADMIN_PASSWORD + "\"\n"
                + "PROCGATE_TCPR_PASSWORD = \"" + TCPR_PASSWORD + "\"\n"
                + "include file(\"" + Repo.path(GATEWAY_CONF) + "\")\n"
                + "include file(\"" + Repo.path(LOCAL_CONF) + "\")\n"
                + overrides);
    }

    /** Skips the calling test, with the reason, when a protocol is not on the class path yet. */
    static void assumePlugins(String... names) {
        Set<String> present = new TreeSet<>();
        ServiceLoader.load(ProtocolPlugin.class).forEach(p -> present.add(p.name()));
        for (String name : names) {
            Assumptions.assumeTrue(
                    present.contains(name),
                    "the " + name + " protocol plugin is not on the class path (module not merged yet); have "
                            + present);
        }
    }
}
