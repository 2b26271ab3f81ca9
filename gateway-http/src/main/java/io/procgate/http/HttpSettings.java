package io.procgate.http;

import com.typesafe.config.Config;
import io.procgate.core.config.ConfigReader;
import io.procgate.core.net.BindAddress;
import io.procgate.core.net.TlsSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The HTTP listener (health, metrics, the web console and its API), read once from {@code
 * gateway.http}; defaults in this module's {@code reference.conf} and docs/configuration.md.
 *
 * @param tls HTTPS when set ({@code tls { cert = "...", key = "..." }}), else plain HTTP
 * @param allowedOrigins origins besides the listener's own whose pages may open a console
 *     WebSocket ({@code https://panel.example.org}), lower case, without a trailing slash
 * @param sessionIdleTimeout a session without a request for this long ends
 * @param maxBody the largest request body; a larger one gets 400
 * @param maxFrame the largest WebSocket message from a client; a larger one closes it with 1009
 * @param maxConsolesPerUser open console WebSockets per user; the next is closed with 4429
 * @param consoleBuffer bytes of live output queued for one console before it is told it missed lines
 * @param maxConnections open connections in all; more are closed at once
 * @param maxConnectionsPerAddress open connections from one client address
 * @param idleTimeout an HTTP connection without traffic for this long is closed (not a console)
 */
record HttpSettings(
        boolean enabled,
        BindAddress.Tcp address,
        TlsSettings tls,
        List<String> allowedOrigins,
        Duration sessionIdleTimeout,
        int maxBody,
        int maxFrame,
        int maxConsolesPerUser,
        long consoleBuffer,
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration idleTimeout) {
    static final String PATH = "gateway.http";
    static final int DEFAULT_PORT = 9100;
    static final Set<String> KEYS = Set.of(
            "enabled",
            "host",
            "port",
            "tls",
            "allowed-origins",
            "session-idle-timeout",
            "max-body",
            "max-frame",
            "max-consoles-per-user",
            "console-buffer",
            "max-connections",
            "max-connections-per-address",
            "idle-timeout");

    static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);
    static final int DEFAULT_MAX_BODY = 64 * 1024;
    static final int DEFAULT_MAX_FRAME = 64 * 1024;
    static final int DEFAULT_MAX_CONSOLES = 30;
    static final long DEFAULT_CONSOLE_BUFFER = 1024 * 1024;
    static final int DEFAULT_MAX_CONNECTIONS = 1024;
    static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 128;
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(60);
    /** Bodies and frames are held whole in memory: a bound well below what a loop can afford. */
    private static final long MAX_MESSAGE_LIMIT = 16L * 1024 * 1024;

    HttpSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The settings of the defaults, for tests of single handlers. */
    static HttpSettings defaults() {
        return new HttpSettings(
                true,
                new BindAddress.Tcp(BindAddress.DEFAULT_HOST, DEFAULT_PORT),
                null,
                List.of(),
                DEFAULT_SESSION_IDLE,
                DEFAULT_MAX_BODY,
                DEFAULT_MAX_FRAME,
                DEFAULT_MAX_CONSOLES,
                DEFAULT_CONSOLE_BUFFER,
                DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
                DEFAULT_IDLE);
    }

    /**
     * @throws io.procgate.core.config.ConfigException naming the key for an unknown key or a bad value
     */
    static HttpSettings fromConfig(Config config) {
        ConfigReader r = ConfigReader.of(config, PATH);
        r.allowOnly(KEYS);
        boolean enabled = r.bool("enabled", true);
        String host = r.string("host", BindAddress.DEFAULT_HOST);
        if (host.isBlank()) {
            throw r.error("host", "must not be empty");
        }
        Duration session = positive(r, "session-idle-timeout", DEFAULT_SESSION_IDLE);
        Duration idle = positive(r, "idle-timeout", DEFAULT_IDLE);
        return new HttpSettings(
                enabled,
                new BindAddress.Tcp(host, r.port("port", DEFAULT_PORT)),
                r.tls(),
                origins(r),
                session,
                (int) size(r, "max-body", DEFAULT_MAX_BODY, 1024),
                (int) size(r, "max-frame", DEFAULT_MAX_FRAME, 1024),
                r.intValue("max-consoles-per-user", DEFAULT_MAX_CONSOLES, 1, 100_000),
                size(r, "console-buffer", DEFAULT_CONSOLE_BUFFER, 1024),
                r.intValue("max-connections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
                r.intValue("max-connections-per-address", DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1, 1_000_000),
                idle);
    }

    private static Duration positive(ConfigReader r, String key, Duration fallback) {
        Duration d = r.duration(key, fallback);
        if (d.isZero() || d.isNegative()) {
            throw r.error(key, "must be positive, got " + d);
        }
        return d;
    }

    private static long size(ConfigReader r, String key, long fallback, long min) {
        long n = r.bytes(key, fallback);
        if (n < min || n > MAX_MESSAGE_LIMIT) {
            throw r.error(key, "expected " + min + " bytes to 16 MiB, got " + n);
        }
        return n;
    }

    private static List<String> origins(ConfigReader r) {
        if (!r.has("allowed-origins")) {
            return List.of();
        }
        List<String> raw;
        try {
            raw = r.config().getStringList("allowed-origins");
        } catch (com.typesafe.config.ConfigException e) {
            throw r.error("allowed-origins", "expected a list of origins such as [\"https://panel.example.org\"]");
        }
        return raw.stream().map(o -> origin(r, o)).toList();
    }

    /** An origin as browsers send it: scheme, host and port only. */
    private static String origin(ConfigReader r, String value) {
        try {
            URI uri = new URI(value);
            boolean bare = (uri.getPath() == null || uri.getPath().isEmpty())
                    && uri.getQuery() == null
                    && uri.getFragment() == null
                    && uri.getUserInfo() == null;
            if (uri.getScheme() != null && uri.getHost() != null && bare) {
                return value.toLowerCase(java.util.Locale.ROOT);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw r.error("allowed-origins", "not an origin (scheme://host[:port]): " + value);
    }
}
