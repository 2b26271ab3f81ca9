package io.procgate.pcp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One PCP listener, validated once from an entry of {@code gateway.pcp.listeners} (spec section 1):
 *
 * <pre>
 * { host = "127.0.0.1", port = 40100, data-port = 0, user = "cabinet", prompt = true, transfer-timeout = 10s }
 * </pre>
 *
 * @param host bind address of the command port and of the data ports
 * @param port command port (0: any free port)
 * @param dataPort 0: a fresh ephemeral port per transfer; otherwise one fixed data port
 * @param user the virtual user whose rights PCP requests run with (PCP has no authentication)
 * @param prompt whether a {@code >} follows each response (the first one on connect is always sent)
 * @param transferTimeout how long a consumer has to connect to a transfer's data port
 */
public record PcpListenerSettings(
        String host, int port, int dataPort, String user, boolean prompt, Duration transferTimeout) {

    static final String PATH = "gateway.pcp.listeners";
    private static final Set<String> KEYS = Set.of("host", "port", "data-port", "user", "prompt", "transfer-timeout");

    public PcpListenerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(transferTimeout, "transferTimeout");
    }

    /**
     * Reads every listener of {@code pcpConfig} (the {@code gateway.pcp} subtree).
     *
     * @throws ConfigException.BadValue naming the key, for an unknown key, a wrong type, a value out
     *     of range or a missing {@code user}
     */
    public static List<PcpListenerSettings> fromConfig(Config pcpConfig) {
        List<PcpListenerSettings> result = new ArrayList<>();
        if (!pcpConfig.hasPath("listeners")) {
            return result;
        }
        ConfigValue listeners = pcpConfig.getValue("listeners");
        if (listeners.valueType() != ConfigValueType.LIST) {
            throw new ConfigException.BadValue(
                    listeners.origin(), PATH, "must be a list of listener objects, not " + typeName(listeners));
        }
        List<? extends ConfigValue> entries = pcpConfig.getList("listeners");
        for (int i = 0; i < entries.size(); i++) {
            ConfigValue entry = entries.get(i);
            String path = PATH + "[" + i + "]";
            if (!(entry instanceof ConfigObject object)) {
                throw new ConfigException.BadValue(
                        entry.origin(),
                        path,
                        "a listener must be an object like { user = \"...\" }, not " + typeName(entry));
            }
            result.add(fromObject(object, path));
        }
        return result;
    }

    private static PcpListenerSettings fromObject(ConfigObject object, String path) {
        for (String key : object.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException.BadValue(
                        object.get(key).origin(),
                        path + "." + key,
                        "unknown key '" + key + "' in a pcp listener; known keys: host, port, data-port, user,"
                                + " prompt, transfer-timeout");
            }
        }
        Config c = object.toConfig();
        String host = string(c, path, "host", "127.0.0.1");
        if (host.isBlank()) {
            throw new ConfigException.BadValue(c.origin(), path + ".host", "must not be empty");
        }
        int port = port(c, path, "port", PcpConstants.DEFAULT_PORT);
        int dataPort = port(c, path, "data-port", PcpConstants.DEFAULT_DATA_PORT);
        if (dataPort != 0 && dataPort == port) {
            throw new ConfigException.BadValue(
                    c.getValue("data-port").origin(), path + ".data-port", "must differ from port (" + port + ")");
        }
        if (!c.hasPath("user")) {
            throw new ConfigException.BadValue(
                    c.origin(),
                    path + ".user",
                    "is required: the configured user (gateway.users) whose rights PCP requests run with");
        }
        String user = string(c, path, "user", null);
        if (user.isBlank()) {
            throw new ConfigException.BadValue(c.getValue("user").origin(), path + ".user", "must not be empty");
        }
        boolean prompt = true;
        if (c.hasPath("prompt")) {
            try {
                prompt = c.getBoolean("prompt");
            } catch (ConfigException.WrongType e) {
                throw wrongType(c, path, "prompt", "a boolean (true or false)");
            }
        }
        Duration timeout = PcpConstants.DEFAULT_TRANSFER_TIMEOUT;
        if (c.hasPath("transfer-timeout")) {
            try {
                timeout = c.getDuration("transfer-timeout");
            } catch (ConfigException.WrongType | ConfigException.BadValue e) {
                throw wrongType(c, path, "transfer-timeout", "a duration such as 10s");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new ConfigException.BadValue(
                        c.getValue("transfer-timeout").origin(), path + ".transfer-timeout", "must be positive");
            }
        }
        return new PcpListenerSettings(host, port, dataPort, user, prompt, timeout);
    }

    private static String string(Config c, String path, String key, String fallback) {
        if (!c.hasPath(key)) {
            return fallback;
        }
        ConfigValue v = c.getValue(key);
        if (v.valueType() != ConfigValueType.STRING) {
            throw wrongType(c, path, key, "a string");
        }
        return c.getString(key);
    }

    private static int port(Config c, String path, String key, int fallback) {
        if (!c.hasPath(key)) {
            return fallback;
        }
        int value;
        try {
            value = c.getInt(key);
        } catch (ConfigException.WrongType e) {
            throw wrongType(c, path, key, "a port number 0-65535");
        }
        if (value < 0 || value > 65535) {
            throw new ConfigException.BadValue(
                    c.getValue(key).origin(), path + "." + key, "must be 0-65535, not " + value);
        }
        return value;
    }

    private static ConfigException.BadValue wrongType(Config c, String path, String key, String expected) {
        ConfigValue v = c.getValue(key);
        return new ConfigException.BadValue(
                v.origin(), path + "." + key, "must be " + expected + ", not " + typeName(v) + " " + v.render());
    }

    private static String typeName(ConfigValue v) {
        return v.valueType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
