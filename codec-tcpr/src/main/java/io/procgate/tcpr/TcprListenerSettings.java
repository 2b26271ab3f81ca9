package io.procgate.tcpr;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.procgate.core.auth.PasswordHasher;
import io.procgate.core.auth.StoredPassword;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.net.BindAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One TCPR listener's settings, read and validated once from its entry in
 * {@code gateway.tcpr.listeners}; handlers never see the config tree.
 *
 * <p>Keys: {@code host} (default {@value BindAddress#DEFAULT_HOST}), {@code port} (default
 * {@value TcprConstants#DEFAULT_PORT}), {@code process} (required), {@code password-hash} or
 * {@code password} (exactly one; plain text is accepted with a warning), {@code timestamps}
 * (default true), {@code max-clients} (default {@value TcprConstants#DEFAULT_MAX_CLIENTS}),
 * {@code auth-timeout} (default 10s), {@code client-buffer} (default 1 MiB: output queued for
 * one slow client before lines are dropped).
 *
 * @param path the entry's path in the configuration, for messages ({@code gateway.tcpr.listeners[0]})
 */
public record TcprListenerSettings(
        String path,
        String host,
        int port,
        String process,
        StoredPassword password,
        boolean timestamps,
        int maxClients,
        Duration authTimeout,
        long clientBufferBytes) {

    /** Every key a listener entry may have. */
    public static final Set<String> KEYS = Set.of(
            "host",
            "port",
            "process",
            "password",
            "password-hash",
            "timestamps",
            "max-clients",
            "auth-timeout",
            "client-buffer");

    public TcprListenerSettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(authTimeout, "authTimeout");
    }

    /** Where the listener binds. */
    public BindAddress.Tcp bindAddress() {
        return new BindAddress.Tcp(host, port);
    }

    /**
     * Reads one listener entry.
     *
     * @throws ConfigException.BadValue naming the key, for an unknown key, a value of the wrong
     *     type or out of range, a missing {@code process} or password, or both password keys
     */
    public static TcprListenerSettings parse(Config entry, String path, PasswordHasher hasher) {
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : entry.root().entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                unknown.add(e.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw new ConfigException.BadValue(
                    entry.root().get(key).origin(),
                    path + "." + key,
                    "unknown key '" + key + "' in a tcpr listener (known keys: " + new TreeSet<>(KEYS) + ")");
        }
        Reader r = new Reader(entry, path);
        String host = r.string("host", BindAddress.DEFAULT_HOST);
        int port = r.integer("port", TcprConstants.DEFAULT_PORT, 0, 65535);
        String process = r.string("process", null);
        if (process == null) {
            throw r.bad("process", "missing: name the process this listener fronts");
        }
        if (!ProcessControl.isValidName(process)) {
            throw r.bad("process", "not a valid process name (" + ProcessControl.NAME.pattern() + "): " + process);
        }
        StoredPassword password = password(r, hasher);
        boolean timestamps = r.bool("timestamps", true);
        int maxClients = r.integer("max-clients", TcprConstants.DEFAULT_MAX_CLIENTS, 1, Integer.MAX_VALUE);
        Duration authTimeout = r.duration("auth-timeout", TcprConstants.DEFAULT_AUTH_TIMEOUT);
        long clientBuffer = r.bytes("client-buffer", TcprConstants.DEFAULT_CLIENT_BUFFER_BYTES);
        return new TcprListenerSettings(
                path, host, port, process, password, timestamps, maxClients, authTimeout, clientBuffer);
    }

    private static StoredPassword password(Reader r, PasswordHasher hasher) {
        String hash = r.string("password-hash", null);
        String plain = r.string("password", null);
        if (hash != null && plain != null) {
            throw r.bad("password", "give either password-hash or password, not both");
        }
        if (hash != null) {
            try {
                return hasher.parseHash(hash);
            } catch (RuntimeException e) {
                throw r.bad(
                        "password-hash",
                        "not a password hash (make one with ./gateway hash-password): " + e.getMessage());
            }
        }
        if (plain == null) {
            throw r.bad("password-hash", "missing: a tcpr listener needs password-hash (or password)");
        }
        if (plain.isEmpty()) {
            throw r.bad("password", "must not be empty");
        }
        return hasher.plainText(plain);
    }

    /** Typed reads that report the full path of a bad key. */
    private static final class Reader {
        private final Config entry;
        private final String path;

        Reader(Config entry, String path) {
            this.entry = entry;
            this.path = path;
        }

        ConfigException.BadValue bad(String key, String message) {
            ConfigValue value = entry.root().get(key);
            return value == null
                    ? new ConfigException.BadValue(entry.origin(), path + "." + key, message)
                    : new ConfigException.BadValue(value.origin(), path + "." + key, message);
        }

        String string(String key, String fallback) {
            if (!entry.hasPath(key)) {
                return fallback;
            }
            try {
                return entry.getString(key);
            } catch (ConfigException.WrongType e) {
                throw bad(key, "expected a string");
            }
        }

        int integer(String key, int fallback, int min, int max) {
            if (!entry.hasPath(key)) {
                return fallback;
            }
            int value;
            try {
                value = entry.getInt(key);
            } catch (ConfigException.WrongType e) {
                throw bad(key, "expected a whole number");
            }
            if (value < min || value > max) {
                throw bad(key, "out of range " + min + "-" + max + ": " + value);
            }
            return value;
        }

        boolean bool(String key, boolean fallback) {
            if (!entry.hasPath(key)) {
                return fallback;
            }
            try {
                return entry.getBoolean(key);
            } catch (ConfigException.WrongType e) {
                throw bad(key, "expected true or false");
            }
        }

        Duration duration(String key, Duration fallback) {
            if (!entry.hasPath(key)) {
                return fallback;
            }
            Duration value;
            try {
                value = entry.getDuration(key);
            } catch (ConfigException.WrongType | ConfigException.BadValue e) {
                throw bad(key, "expected a duration such as 10s");
            }
            if (value.isNegative() || value.isZero()) {
                throw bad(key, "must be positive: " + value);
            }
            return value;
        }

        long bytes(String key, long fallback) {
            if (!entry.hasPath(key)) {
                return fallback;
            }
            long value;
            try {
                value = entry.getBytes(key);
            } catch (ConfigException.WrongType | ConfigException.BadValue e) {
                throw bad(key, "expected a size such as 1MiB");
            }
            if (value < 1) {
                throw bad(key, "must be positive: " + value);
            }
            return value;
        }
    }
}
