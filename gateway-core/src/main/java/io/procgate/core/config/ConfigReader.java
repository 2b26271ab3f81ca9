package io.procgate.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.procgate.core.net.BindAddress;
import io.procgate.core.net.TlsSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed values from one configuration object (a section, or one entry of a listener list)
 * and reports every problem as a {@link ConfigException} naming the full key and where it was
 * written, e.g. {@code gateway.tcpr.listeners.0.port: expected a port 0-65535, got "x" (my.conf:7)}.
 *
 * <p>Protocol plugins use it to validate their listener entries:
 *
 * <pre>{@code
 * ConfigReader entry = ConfigReader.of(listenerConfig, "gateway.tcpr.listeners.0");
 * entry.allowOnly(Set.of("host", "port", "process", "password"));
 * BindAddress address = entry.bindAddress(50301);
 * }</pre>
 *
 * <p>Keys are single path elements (no dots); a key whose value is {@code null} counts as absent.
 */
public final class ConfigReader {
    private final Config config;
    private final String path;

    private ConfigReader(Config config, String path) {
        this.config = config;
        this.path = path;
    }

    /** A reader of {@code config}, whose keys are shown under {@code displayPath} in errors. */
    public static ConfigReader of(Config config, String displayPath) {
        return new ConfigReader(config, displayPath);
    }

    public Config config() {
        return config;
    }

    /** The display path of this object, e.g. {@code gateway.tcpr.listeners.0}. */
    public String path() {
        return path;
    }

    /** The display path of {@code key} inside this object. */
    public String pathOf(String key) {
        return path.isEmpty() ? ConfigUtil.joinPath(key) : path + "." + ConfigUtil.joinPath(key);
    }

    /** Rejects every key of this object that is not in {@code allowed}, naming the first (sorted). */
    public void allowOnly(Set<String> allowed) {
        for (String key : new TreeSet<>(config.root().keySet())) {
            if (!allowed.contains(key)) {
                throw ConfigException.at(
                        pathOf(key), "unknown key", config.root().get(key).origin());
            }
        }
    }

    /** Whether {@code key} is set to something other than null. */
    public boolean has(String key) {
        return config.hasPath(quoted(key));
    }

    /** An error about {@code key}, located where it was written (or at this object). */
    public ConfigException error(String key, String problem) {
        ConfigValue value = config.root().get(key);
        ConfigOrigin origin = value != null ? value.origin() : config.root().origin();
        return ConfigException.at(pathOf(key), problem, origin);
    }

    public String string(String key) {
        ConfigValue value = require(key);
        if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
            throw error(key, "expected a string, got " + describe(value));
        }
        return String.valueOf(value.unwrapped());
    }

    /** The string value of {@code key}, or {@code fallback} when it is absent or null. */
    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        ConfigValue value = config.root().get(key);
        Object raw = value.unwrapped();
        if (raw instanceof Boolean b) {
            return b;
        }
        if (raw instanceof String s) {
            switch (s) {
                case "true", "yes", "on":
                    return true;
                case "false", "no", "off":
                    return false;
                default:
                    break;
            }
        }
        throw error(key, "expected true or false, got " + describe(value));
    }

    public int intValue(String key, int fallback, int min, int max) {
        if (!has(key)) {
            return fallback;
        }
        ConfigValue value = config.root().get(key);
        long n;
        try {
            n = config.getLong(quoted(key));
        } catch (com.typesafe.config.ConfigException e) {
            throw error(key, "expected an integer, got " + describe(value));
        }
        if (n < min || n > max) {
            throw error(key, "expected an integer " + min + "-" + max + ", got " + n);
        }
        return (int) n;
    }

    /** A TCP port, 0-65535 (0: any free port). */
    public int port(String key, int fallback) {
        if (!has(key)) {
            return fallback;
        }
        ConfigValue value = config.root().get(key);
        try {
            long n = config.getLong(quoted(key));
            if (n >= 0 && n <= 65535) {
                return (int) n;
            }
        } catch (com.typesafe.config.ConfigException e) {
            // reported below
        }
        throw error(key, "expected a port 0-65535, got " + describe(value));
    }

    /** A duration such as {@code 10s} or {@code 500ms}; a bare number is milliseconds. */
    public Duration duration(String key, Duration fallback) {
        if (!has(key)) {
            return fallback;
        }
        Duration d;
        try {
            d = config.getDuration(quoted(key));
        } catch (com.typesafe.config.ConfigException e) {
            throw error(
                    key,
                    "expected a duration such as 10s, got "
                            + describe(config.root().get(key)));
        }
        if (d.isNegative()) {
            throw error(key, "must not be negative");
        }
        return d;
    }

    /** A size in bytes such as {@code 64 KiB} or {@code 1 MiB}; must be positive. */
    public long bytes(String key, long fallback) {
        if (!has(key)) {
            return fallback;
        }
        long n;
        try {
            n = config.getBytes(quoted(key));
        } catch (com.typesafe.config.ConfigException e) {
            throw error(
                    key,
                    "expected a size such as 64 KiB, got "
                            + describe(config.root().get(key)));
        }
        if (n <= 0) {
            throw error(key, "must be positive");
        }
        return n;
    }

    /** A file system path (relative paths stay relative to the working directory). */
    public Path filePath(String key, Path fallback) {
        if (!has(key)) {
            return fallback;
        }
        String s = string(key);
        if (s.isEmpty()) {
            throw error(key, "must not be empty");
        }
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw error(key, "not a valid path: " + e.getReason());
        }
    }

    /** The sub-object at {@code key}, or an empty one when absent. */
    public ConfigReader object(String key) {
        if (!has(key)) {
            return new ConfigReader(com.typesafe.config.ConfigFactory.empty(), pathOf(key));
        }
        ConfigValue value = config.root().get(key);
        if (!(value instanceof ConfigObject obj)) {
            throw error(key, "expected an object { ... }, got " + describe(value));
        }
        return new ConfigReader(obj.toConfig(), pathOf(key));
    }

    /** A list of objects (such as {@code schedules}), each read as {@code key.N}; empty when absent. */
    public List<ConfigReader> objectList(String key) {
        if (!has(key)) {
            return List.of();
        }
        ConfigValue value = config.root().get(key);
        if (!(value instanceof ConfigList list)) {
            throw error(key, "expected a list [ ... ], got " + describe(value));
        }
        List<ConfigReader> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue item = list.get(i);
            String itemPath = pathOf(key) + "." + i;
            if (!(item instanceof ConfigObject obj)) {
                throw ConfigException.at(itemPath, "expected an object { ... }, got " + describe(item), item.origin());
            }
            out.add(new ConfigReader(obj.toConfig(), itemPath));
        }
        return out;
    }

    /** A number such as {@code 2.0} or {@code 0.5}, at least {@code min}. */
    public double number(String key, double fallback, double min) {
        if (!has(key)) {
            return fallback;
        }
        double d;
        try {
            d = config.getDouble(quoted(key));
        } catch (com.typesafe.config.ConfigException e) {
            throw error(key, "expected a number, got " + describe(config.root().get(key)));
        }
        if (Double.isNaN(d) || Double.isInfinite(d) || d < min) {
            throw error(key, "expected a number of at least " + min + ", got " + d);
        }
        return d;
    }

    /** A free-form map of strings (such as {@code env}), in the order written. */
    public Map<String, String> stringMap(String key) {
        ConfigReader sub = object(key);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : sub.config.root().entrySet()) {
            ConfigValue v = e.getValue();
            if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
                throw sub.error(e.getKey(), "expected a string, got " + describe(v));
            }
            if (v.valueType() != ConfigValueType.NULL) {
                out.put(e.getKey(), String.valueOf(v.unwrapped()));
            }
        }
        return out;
    }

    /**
     * A listener's address: {@code socket} (with {@code mode}, default 0660, and
     * {@code allow-unknown-users}) for a unix domain socket, else {@code host} (default
     * 127.0.0.1) and {@code port} (default {@code defaultPort}; a negative default makes it required).
     */
    public BindAddress bindAddress(int defaultPort) {
        if (has("socket")) {
            if (has("host") || has("port")) {
                throw error("socket", "a listener has either socket or host/port, not both");
            }
            Path socket = filePath("socket", null);
            int mode = BindAddress.Unix.DEFAULT_MODE;
            if (has("mode")) {
                String text = string("mode");
                if (!text.matches("0?[0-7]{1,3}")) {
                    throw error("mode", "expected an octal file mode such as \"0660\", got " + text);
                }
                mode = Integer.parseInt(text, 8);
            }
            return new BindAddress.Unix(socket, mode, bool("allow-unknown-users", false));
        }
        for (String unixOnly : new String[] {"mode", "allow-unknown-users"}) {
            if (has(unixOnly)) {
                throw error(unixOnly, "only a unix-socket listener (socket = ...) has this key");
            }
        }
        if (defaultPort < 0 && !has("port")) {
            throw error("port", "missing (a listener needs port = N, or socket = PATH)");
        }
        String host = string("host", BindAddress.DEFAULT_HOST);
        if (host.isBlank()) {
            throw error("host", "must not be empty");
        }
        return new BindAddress.Tcp(host, port("port", defaultPort));
    }

    /**
     * The optional TLS object of a TCP listener, {@code tls { cert = "server.pem", key = "server.key" }}
     * (see {@link TlsSettings}), or null when {@code tls} is absent or null. The files are read when
     * the listener is bound, not here.
     */
    public TlsSettings tls() {
        if (!has("tls")) {
            return null;
        }
        if (has("socket")) {
            throw error("tls", "TLS is for TCP listeners (host/port) only, not unix sockets");
        }
        ConfigReader t = object("tls");
        t.allowOnly(TlsSettings.KEYS);
        Path cert = t.filePath("cert", null);
        if (cert == null) {
            throw t.error("cert", "missing (the certificate chain, a PEM file)");
        }
        Path key = t.filePath("key", null);
        if (key == null) {
            throw t.error("key", "missing (the private key, an unencrypted PKCS#8 PEM file)");
        }
        return new TlsSettings(cert, key);
    }

    private ConfigValue require(String key) {
        ConfigValue value = config.root().get(key);
        if (value == null || value.valueType() == ConfigValueType.NULL) {
            throw ConfigException.at(pathOf(key), "missing", config.root().origin());
        }
        return value;
    }

    private static String quoted(String key) {
        return ConfigUtil.joinPath(key);
    }

    static String describe(ConfigValue value) {
        if (value == null) {
            return "nothing";
        }
        return switch (value.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NULL -> "null";
            case STRING -> "\"" + value.unwrapped() + "\"";
            default -> String.valueOf(value.unwrapped());
        };
    }
}
