package io.procgate.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.ValidationFailed;
import com.typesafe.config.ConfigException.ValidationProblem;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Rejects keys the gateway does not know, anywhere under {@code gateway}: a misspelt key would
 * otherwise be ignored silently. Known keys are the core's (this module's {@code reference.conf})
 * and, under {@code gateway.<plugin>}, those of the plugin's own {@code reference.conf}. The free
 * maps are checked by shape: each {@code users.<name>} and {@code processes.<name>} against the
 * user and process key sets, {@code env} not at all. Lists (listener entries) are left to their
 * plugins, which know their keys.
 */
public final class ConfigValidator {
    /** The core's keys directly under {@code gateway}. */
    public static final Set<String> CORE_KEYS = Set.of(
            "data-dir",
            "shutdown-timeout",
            "run-as",
            "allow-root-children",
            "users",
            "processes",
            "http",
            "history",
            "stdin-buffer",
            "transport",
            "time-zone",
            "stats-interval");

    private ConfigValidator() {}

    /**
     * @param config the full configuration (defaults merged, resolved)
     * @param reference the merged {@code reference.conf} files
     * @param pluginNames the names of the loaded protocol plugins
     * @throws ConfigException naming the first problem found
     */
    public static void validate(Config config, Config reference, Set<String> pluginNames) {
        ConfigValue gateway = config.root().get("gateway");
        if (!(gateway instanceof ConfigObject root)) {
            throw ConfigException.at(
                    "gateway",
                    gateway == null ? "missing" : "expected an object { ... }",
                    gateway == null ? null : gateway.origin());
        }
        ConfigObject refRoot = reference.hasPath("gateway") ? reference.getObject("gateway") : null;
        for (Map.Entry<String, ConfigValue> e : sorted(root).entrySet()) {
            String key = e.getKey();
            String path = "gateway." + ConfigUtil.joinPath(key);
            ConfigValue value = e.getValue();
            ConfigValue ref = refRoot == null ? null : refRoot.get(key);
            if (CORE_KEYS.contains(key)) {
                switch (key) {
                    case "users" -> checkEntries(path, value, GatewaySettings.USER_KEYS, Set.of("run-as"));
                    case "processes" -> checkEntries(path, value, ProcessSettings.KEYS, Set.of());
                    default -> checkAgainst(path, value, ref);
                }
            } else if (pluginNames.contains(key)) {
                if (ref != null) {
                    checkAgainst(path, value, ref);
                }
            } else {
                throw ConfigException.at(path, "unknown key", value.origin());
            }
        }
        try {
            config.checkValid(reference, "gateway");
        } catch (ValidationFailed failed) {
            ValidationProblem p = failed.problems().iterator().next();
            throw ConfigException.at(p.path(), p.problem(), p.origin());
        }
    }

    /** Each entry of a free map must be an object whose keys are in {@code keys}. */
    private static void checkEntries(String path, ConfigValue section, Set<String> keys, Set<String> runAsKeys) {
        if (!(section instanceof ConfigObject obj)) {
            return; // the type check reports it
        }
        for (Map.Entry<String, ConfigValue> e : sorted(obj).entrySet()) {
            String entryPath = path + "." + ConfigUtil.joinPath(e.getKey());
            if (!(e.getValue() instanceof ConfigObject entry)) {
                if (e.getValue().valueType() == ConfigValueType.NULL) {
                    continue;
                }
                throw ConfigException.at(
                        entryPath, "expected an object { ... }", e.getValue().origin());
            }
            for (Map.Entry<String, ConfigValue> k : sorted(entry).entrySet()) {
                String keyPath = entryPath + "." + ConfigUtil.joinPath(k.getKey());
                if (!keys.contains(k.getKey())) {
                    throw ConfigException.at(
                            keyPath, "unknown key", k.getValue().origin());
                }
                if (runAsKeys.contains(k.getKey()) && k.getValue() instanceof ConfigObject runAs) {
                    for (Map.Entry<String, ConfigValue> r : sorted(runAs).entrySet()) {
                        if (!GatewaySettings.RUN_AS_KEYS.contains(r.getKey())) {
                            throw ConfigException.at(
                                    keyPath + "." + ConfigUtil.joinPath(r.getKey()),
                                    "unknown key",
                                    r.getValue().origin());
                        }
                    }
                }
            }
        }
    }

    /** Every key of {@code value}, recursively through objects, must exist in {@code reference}. */
    private static void checkAgainst(String path, ConfigValue value, ConfigValue reference) {
        if (!(value instanceof ConfigObject obj) || !(reference instanceof ConfigObject ref)) {
            return; // leaves and lists: the type check and the plugins handle them
        }
        for (Map.Entry<String, ConfigValue> e : sorted(obj).entrySet()) {
            String child = path + "." + ConfigUtil.joinPath(e.getKey());
            ConfigValue refChild = ref.get(e.getKey());
            if (refChild == null) {
                throw ConfigException.at(child, "unknown key", e.getValue().origin());
            }
            checkAgainst(child, e.getValue(), refChild);
        }
    }

    /** The entries in the order they were written (by line), so the first error is the topmost. */
    private static Map<String, ConfigValue> sorted(ConfigObject obj) {
        Map<String, ConfigValue> out = new LinkedHashMap<>();
        obj.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, ConfigValue> e) -> line(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static int line(ConfigValue v) {
        int line = v.origin() == null ? -1 : v.origin().lineNumber();
        return line < 0 ? Integer.MAX_VALUE : line;
    }
}
