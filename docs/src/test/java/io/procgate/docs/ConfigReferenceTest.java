package io.procgate.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.procgate.core.GatewayConfig;
import io.procgate.core.config.GatewaySettings;
import io.procgate.core.config.ProcessSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md names every key with its default, and the defaults it gives are the ones
 * the code uses: the merged {@code reference.conf} of every module, the process entry's defaults as
 * {@link GatewaySettings} reads them, and each protocol's listener keys.
 */
class ConfigReferenceTest {
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(gateway\\.[^`]+)` \\| ([^|]+?) \\|");

    /** The reference's rows: key to the default cell. */
    static Map<String, String> rows() {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ROW.matcher(Docs.read(Docs.docsDir().resolve("configuration.md")));
        while (m.find()) {
            out.put(m.group(1), m.group(2).strip());
        }
        return out;
    }

    /** A documented default (`...` in the cell) as a config value, or null for "none"/"(required)". */
    static ConfigValue documented(String cell) {
        if (!cell.startsWith("`")) {
            return null;
        }
        return ConfigFactory.parseString("v = " + cell.substring(1, cell.length() - 1))
                .root()
                .get("v");
    }

    /** Every leaf of the merged defaults under gateway; free maps (users, processes) count as leaves. */
    static Map<String, ConfigValue> referenceLeaves() {
        Map<String, ConfigValue> out = new TreeMap<>();
        collect("gateway", GatewayConfig.parse("").getValue("gateway"), out);
        return out;
    }

    private static void collect(String path, ConfigValue value, Map<String, ConfigValue> out) {
        if (value instanceof ConfigObject o && !path.equals("gateway.users") && !path.equals("gateway.processes")) {
            for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                collect(path + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(path, value);
        }
    }

    @Test
    void everyDefaultKeyIsDocumentedWithItsDefault() {
        Map<String, String> rows = rows();
        Map<String, ConfigValue> leaves = referenceLeaves();
        assertThat(leaves).containsKeys("gateway.data-dir", "gateway.tcprocd.listeners", "gateway.tcpr.listeners");
        for (Map.Entry<String, ConfigValue> leaf : leaves.entrySet()) {
            assertThat(rows).as("configuration.md documents " + leaf.getKey()).containsKey(leaf.getKey());
            ConfigValue doc = documented(rows.get(leaf.getKey()));
            assertThat(doc).as("default of " + leaf.getKey()).isNotNull();
            assertThat(doc.unwrapped())
                    .as("default of " + leaf.getKey())
                    .isEqualTo(leaf.getValue().unwrapped());
        }
    }

    @Test
    void userAndProcessKeysAreDocumented() {
        Set<String> documentedUserKeys = keysUnder("gateway.users.NAME.");
        assertThat(documentedUserKeys).isEqualTo(GatewaySettings.USER_KEYS);
        assertThat(keysUnder("gateway.processes.NAME.")).isEqualTo(ProcessSettings.KEYS);
    }

    @Test
    void processDefaultsAreTheOnesTheGatewayUses() {
        ProcessSettings p = GatewaySettings.from(GatewayConfig.parse("gateway.processes.x.command = true"))
                .processes()
                .get("x");
        Map<String, String> rows = rows();
        String k = "gateway.processes.NAME.";
        assertThat(duration(rows.get(k + "restart-backoff"))).isEqualTo(p.restartBackoff());
        assertThat(duration(rows.get(k + "restart-window"))).isEqualTo(p.restartWindow());
        assertThat(duration(rows.get(k + "stop-timeout"))).isEqualTo(p.stopTimeout());
        assertThat(duration(rows.get(k + "kill-grace"))).isEqualTo(p.killGrace());
        assertThat(duration(rows.get(k + "start-seconds"))).isEqualTo(p.startSeconds());
        assertThat(documented(rows.get(k + "restart-max-failures")).unwrapped()).isEqualTo(p.restartMaxFailures());
        assertThat(documented(rows.get(k + "autostart")).unwrapped()).isEqualTo(p.autostart());
        assertThat(documented(rows.get(k + "tty")).unwrapped()).isEqualTo(p.tty());
        assertThat(documented(rows.get(k + "restart")).unwrapped())
                .isEqualTo(p.restart().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        assertThat(rows.get(k + "command")).isEqualTo("(required)");
    }

    @Test
    void listenerKeysAreTheOnesEachProtocolAccepts() {
        // the keys each plugin's settings class accepts (an unknown key fails the start)
        assertThat(keysUnder("gateway.tcprocd.listeners[]."))
                .containsExactlyInAnyOrder(
                        "host",
                        "port",
                        "socket",
                        "mode",
                        "allow-unknown-users",
                        "gateway-uid-admin",
                        "auth-timeout",
                        "tls");
        assertThat(keysUnder("gateway.tcpr.listeners[]."))
                .containsExactlyInAnyOrder(
                        "host",
                        "port",
                        "process",
                        "password",
                        "password-hash",
                        "timestamps",
                        "max-clients",
                        "auth-timeout",
                        "client-buffer");
        assertThat(keysUnder("gateway.pcp.listeners[]."))
                .containsExactlyInAnyOrder("host", "port", "data-port", "user", "prompt", "transfer-timeout");
    }

    private static Set<String> keysUnder(String prefix) {
        Set<String> keys = new TreeSet<>();
        for (String key : rows().keySet()) {
            if (key.startsWith(prefix)) {
                keys.add(key.substring(prefix.length()));
            }
        }
        return keys;
    }

    private static Duration duration(String cell) {
        ConfigValue v = documented(cell);
        assertThat(v.valueType()).isIn(ConfigValueType.STRING, ConfigValueType.NUMBER);
        Config c = ConfigFactory.parseString("v = " + cell.substring(1, cell.length() - 1));
        return c.getDuration("v");
    }
}
