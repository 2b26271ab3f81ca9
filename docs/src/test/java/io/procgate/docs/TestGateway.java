package io.procgate.docs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.procgate.core.testing.FreePorts;
import io.procgate.core.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a documented configuration into one a test can start next to anything else on the machine:
 * the data directory and unix sockets in a temporary directory, every port free, TLS files made
 * here, and (on request) no autostart. Everything else stays as written.
 */
final class TestGateway {
    static final List<String> PROTOCOLS = List.of("tcprocd", "tcpr", "pcp");

    private final Path tmp;
    /** Fixed PCP data ports as documented, to the free ports used instead. */
    final Map<Integer, Integer> dataPorts = new LinkedHashMap<>();

    private int sockets;
    private TestCertificates certs;

    TestGateway(Path tmp) {
        this.tmp = tmp;
    }

    Config rewrite(Config config, boolean autostart) throws Exception {
        Config c =
                config.withValue("gateway.data-dir", value(tmp.resolve("data").toString()));
        c = c.withValue("gateway.http.port", value(0));
        if (c.hasPath("gateway.http.tls")) {
            c = c.withValue("gateway.http.tls", tls());
        }
        if ("root".equals(System.getProperty("user.name"))) {
            // the build may run as root: documented children are started as root then
            c = c.withValue("gateway.allow-root-children", value(true));
        }
        for (String protocol : PROTOCOLS) {
            String path = "gateway." + protocol + ".listeners";
            if (!c.hasPath(path)) {
                continue;
            }
            List<ConfigValue> listeners = new ArrayList<>();
            for (ConfigValue v : (ConfigList) c.getValue(path)) {
                ConfigObject o = (ConfigObject) v;
                if (o.containsKey("port")) {
                    o = o.withValue("port", value(0));
                }
                if (o.containsKey("socket")) {
                    o = o.withValue(
                            "socket",
                            value(tmp.resolve("s" + (sockets++) + ".sock").toString()));
                }
                if (o.containsKey("data-port") && o.toConfig().getInt("data-port") != 0) {
                    int documented = o.toConfig().getInt("data-port");
                    int free = dataPorts.computeIfAbsent(documented, d -> {
                        try {
                            return FreePorts.belowEphemeralRange();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    o = o.withValue("data-port", value(free));
                }
                if (o.containsKey("tls")) {
                    o = o.withValue("tls", tls());
                }
                listeners.add(o);
            }
            c = c.withValue(path, ConfigValueFactory.fromIterable(listeners));
        }
        if (!autostart && c.hasPath("gateway.processes")) {
            for (String name : c.getObject("gateway.processes").keySet()) {
                c = c.withValue("gateway.processes." + quote(name) + ".autostart", value(false));
            }
        }
        return c;
    }

    private ConfigValue tls() throws Exception {
        if (certs == null) {
            certs = TestCertificates.create(Files.createDirectories(tmp.resolve("tls")));
        }
        return ConfigValueFactory.fromMap(
                Map.of("cert", certs.cert().toString(), "key", certs.key().toString()));
    }

    private static ConfigValue value(Object v) {
        return ConfigValueFactory.fromAnyRef(v, "rewritten for the test");
    }

    private static String quote(String key) {
        return com.typesafe.config.ConfigUtil.joinPath(key);
    }
}
