package io.procgate.core;

import io.procgate.core.config.ConfigException;
import io.procgate.core.spi.ProtocolPlugin;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;

/** Finds the protocol plugins on the class path ({@link ServiceLoader}), sorted by name. */
final class Plugins {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    private static final String HTTP = "http";

    private Plugins() {}

    static List<ProtocolPlugin> load() {
        ClassLoader loader = GatewayConfig.classLoader();
        List<ProtocolPlugin> plugins = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (ProtocolPlugin plugin : ServiceLoader.load(ProtocolPlugin.class, loader)) {
            String name = plugin.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalStateException(
                        "protocol plugin " + plugin.getClass().getName() + " has a bad name: " + name);
            }
            // gateway.http is a core section (its keys are in the core's reference.conf) that the
            // http plugin serves; every other core key is off limits.
            if (io.procgate.core.config.ConfigValidator.CORE_KEYS.contains(name) && !name.equals(HTTP)) {
                throw new IllegalStateException("protocol plugin name " + name + " clashes with a core config key");
            }
            if (!names.add(name)) {
                throw new ConfigException("two protocol plugins are named " + name);
            }
            plugins.add(plugin);
        }
        plugins.sort(java.util.Comparator.comparing(ProtocolPlugin::name));
        return plugins;
    }

    static Set<String> names(List<ProtocolPlugin> plugins) {
        Set<String> names = new LinkedHashSet<>();
        plugins.forEach(p -> names.add(p.name()));
        return names;
    }
}
