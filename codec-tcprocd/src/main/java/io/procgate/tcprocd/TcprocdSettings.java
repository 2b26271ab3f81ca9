package io.procgate.tcprocd;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.procgate.core.config.ConfigReader;
import io.procgate.core.net.BindAddress;
import io.procgate.core.net.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated {@code gateway.tcprocd} configuration, built once; handlers never see the raw tree.
 *
 * <pre>
 * gateway.tcprocd {
 *   listeners = [
 *     { host = "127.0.0.1", port = 20103, auth-timeout = 10s }
 *     { socket = "/run/tcprocd.sock", mode = "0660", allow-unknown-users = false, gateway-uid-admin = false,
 *       auth-timeout = 10s }
 *   ]
 *   max-response = 64 MiB     # the most data one cat answer carries
 *   attach-buffer = 1 MiB     # how far an attached client may fall behind before it misses lines
 * }
 * </pre>
 *
 * An unknown key or a value of the wrong type is a {@link ConfigException.BadValue} naming the key.
 */
public record TcprocdSettings(long maxResponse, long attachBuffer, List<TcprocdListenerSettings> listeners) {

    /** The largest answer whose length a one-digit width can say (nine digits). */
    public static final long MAX_RESPONSE_LIMIT = 999_999_999L;

    /** The smallest sensible bound for answers and attach buffers. */
    public static final long MIN_BUFFER = 1024;

    private static final String PATH = "gateway.tcprocd";
    private static final Set<String> KEYS = Set.of("listeners", "max-response", "attach-buffer");
    private static final Set<String> TCP_KEYS = Set.of("host", "port", "auth-timeout", "tls");
    private static final Set<String> UNIX_KEYS =
            Set.of("socket", "mode", "allow-unknown-users", "gateway-uid-admin", "auth-timeout");

    public TcprocdSettings {
        listeners = List.copyOf(listeners);
    }

    /** Reads and checks the plugin's subtree ({@code gateway.tcprocd}, defaults merged). */
    public static TcprocdSettings from(Config config) {
        checkKeys(config, KEYS, PATH);
        long maxResponse = bytes(config, "max-response", PATH, MIN_BUFFER, MAX_RESPONSE_LIMIT);
        long attachBuffer = bytes(config, "attach-buffer", PATH, MIN_BUFFER, Integer.MAX_VALUE);
        List<TcprocdListenerSettings> listeners = new ArrayList<>();
        if (config.hasPath("listeners")) {
            ConfigValue value = config.getValue("listeners");
            if (value.valueType() != ConfigValueType.LIST) {
                throw bad(config, "listeners", PATH, "must be a list of listeners");
            }
            List<? extends ConfigValue> entries = config.getList("listeners");
            for (int i = 0; i < entries.size(); i++) {
                String where = PATH + ".listeners[" + i + "]";
                if (entries.get(i).valueType() != ConfigValueType.OBJECT) {
                    throw new ConfigException.BadValue(
                            entries.get(i).origin(),
                            where,
                            "a listener must be an object like { host = ..., port = ... }");
                }
                Config entry = config.getConfigList("listeners").get(i);
                listeners.add(listener(entry, where));
            }
        }
        return new TcprocdSettings(maxResponse, attachBuffer, listeners);
    }

    private static TcprocdListenerSettings listener(Config entry, String where) {
        boolean unix = entry.hasPath("socket");
        checkKeys(entry, unix ? UNIX_KEYS : TCP_KEYS, where);
        Duration authTimeout = entry.hasPath("auth-timeout")
                ? duration(entry, "auth-timeout", where)
                : TcprocdConstants.DEFAULT_AUTH_TIMEOUT;
        if (unix) {
            String socket = string(entry, "socket", where);
            if (socket.isEmpty()) {
                throw bad(entry, "socket", where, "must be a file path");
            }
            int mode = entry.hasPath("mode") ? mode(entry, where) : BindAddress.Unix.DEFAULT_MODE;
            boolean allowUnknown = entry.hasPath("allow-unknown-users") && bool(entry, "allow-unknown-users", where);
            boolean gatewayUidAdmin = entry.hasPath("gateway-uid-admin") && bool(entry, "gateway-uid-admin", where);
            return new TcprocdListenerSettings(
                    new BindAddress.Unix(Path.of(socket), mode, allowUnknown), authTimeout, null, gatewayUidAdmin);
        }
        String host = entry.hasPath("host") ? string(entry, "host", where) : BindAddress.DEFAULT_HOST;
        int port = entry.hasPath("port") ? port(entry, where) : TcprocdConstants.DEFAULT_PORT;
        // tls { cert, key }: checked by the core's reader (keys, shape); the files are read at bind time
        TlsSettings tls = ConfigReader.of(entry, where).tls();
        return new TcprocdListenerSettings(new BindAddress.Tcp(host, port), authTimeout, tls);
    }

    private static void checkKeys(Config config, Set<String> allowed, String where) {
        for (Map.Entry<String, ConfigValue> e : config.root().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new ConfigException.BadValue(
                        e.getValue().origin(),
                        where + "." + e.getKey(),
                        "unknown key; expected one of " + new java.util.TreeSet<>(allowed)
                                + (allowed == TCP_KEYS
                                        ? " (or socket, mode, allow-unknown-users, gateway-uid-admin for a unix socket)"
                                        : ""));
            }
        }
    }

    private static String string(Config config, String key, String where) {
        try {
            return config.getString(key);
        } catch (ConfigException.WrongType e) {
            throw bad(config, key, where, "must be a string");
        }
    }

    private static boolean bool(Config config, String key, String where) {
        try {
            return config.getBoolean(key);
        } catch (ConfigException.WrongType e) {
            throw bad(config, key, where, "must be true or false");
        }
    }

    private static int port(Config config, String where) {
        int port;
        try {
            port = config.getInt("port");
        } catch (ConfigException.WrongType e) {
            throw bad(config, "port", where, "must be a number 0-65535");
        }
        if (port < 0 || port > 65535) {
            throw bad(config, "port", where, "must be a number 0-65535, not " + port);
        }
        return port;
    }

    private static int mode(Config config, String where) {
        if (config.getValue("mode").valueType() != ConfigValueType.STRING) {
            throw bad(config, "mode", where, "must be a quoted octal string such as \"0660\"");
        }
        String text = config.getString("mode");
        if (!text.matches("0?[0-7]{3}")) {
            throw bad(config, "mode", where, "must be an octal file mode such as \"0660\", not \"" + text + "\"");
        }
        return Integer.parseInt(text, 8);
    }

    private static Duration duration(Config config, String key, String where) {
        Duration value;
        try {
            value = config.getDuration(key);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad(config, key, where, "must be a duration such as 10s");
        }
        if (value.isNegative() || value.isZero()) {
            throw bad(config, key, where, "must be longer than zero");
        }
        return value;
    }

    private static long bytes(Config config, String key, String where, long min, long max) {
        long value;
        try {
            value = config.getBytes(key);
        } catch (ConfigException.Missing e) {
            throw bad(config, key, where, "is missing");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad(config, key, where, "must be a size such as 1 MiB");
        }
        if (value < min || value > max) {
            throw bad(config, key, where, "must be between " + min + " and " + max + " bytes, not " + value);
        }
        return value;
    }

    private static ConfigException.BadValue bad(Config config, String key, String where, String message) {
        return new ConfigException.BadValue(
                config.hasPath(key) ? config.getValue(key).origin() : config.origin(), where + "." + key, message);
    }
}
