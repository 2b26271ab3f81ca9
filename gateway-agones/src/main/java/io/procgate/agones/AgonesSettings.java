package io.procgate.agones;

import com.typesafe.config.Config;
import io.procgate.core.config.ConfigReader;
import io.procgate.core.config.ProcessSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code gateway.agones}, read and checked once at start (keys in this module's {@code
 * reference.conf}; the contract is {@code shared/specs/agones.md}).
 *
 * @param sdk the SDK sidecar's REST gateway, resolved at start (so no call resolves a name on a loop)
 * @param readyPattern the first matching line of a run means Ready; null: Ready after {@code startSeconds}
 * @param startSeconds how long a run must be up to count as ready when there is no ready pattern
 * @param players player tracking through an Agones List, or null
 * @param labels label key to a pattern with a group {@code value}, in the order written
 */
record AgonesSettings(
        boolean enabled,
        InetSocketAddress sdk,
        String process,
        Pattern readyPattern,
        Duration startSeconds,
        Duration healthInterval,
        boolean shutdownOnExit,
        PlayerPatterns players,
        Map<String, Pattern> labels,
        Duration requestTimeout,
        Duration retryBackoff,
        Duration retryMaxBackoff) {

    static final String PATH = "gateway.agones";
    /** Agones sets it in the game server container; {@code enabled = auto} means on when it is set. */
    static final String PORT_VARIABLE = "AGONES_SDK_HTTP_PORT";

    static final String PLAYER_GROUP = "player";
    static final String LABEL_GROUP = "value";
    private static final Set<String> KEYS = Set.of(
            "enabled",
            "sdk-host",
            "sdk-port",
            "process",
            "ready-pattern",
            "health-interval",
            "shutdown-on-exit",
            "players",
            "labels",
            "request-timeout",
            "retry-backoff",
            "retry-max-backoff");
    private static final Set<String> PLAYER_KEYS = Set.of("list", "join", "leave");
    private static final int DEFAULT_PORT = 9358;
    private static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    /** Agones' label keys and List names are Kubernetes names: nothing that needs escaping in a path. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    /** Which lines are joins and leaves, each with a named group {@code player}. */
    record PlayerPatterns(String list, Pattern join, Pattern leave) {}

    /** The settings when the link is off: nothing else is checked. */
    private static AgonesSettings disabled() {
        return new AgonesSettings(false, null, null, null, null, null, false, null, Map.of(), null, null, null);
    }

    /**
     * @param declared the processes {@code gateway.processes} declares
     * @param env the environment (for {@code enabled = auto})
     * @throws io.procgate.core.config.ConfigException one line naming the key, for a bad value
     */
    static AgonesSettings fromConfig(Config config, Map<String, ProcessSettings> declared, UnaryOperator<String> env) {
        ConfigReader r = ConfigReader.of(config, PATH);
        r.allowOnly(KEYS);
        if (!enabled(r, env)) {
            return disabled();
        }
        String host = r.string("sdk-host", "127.0.0.1");
        int port = r.port("sdk-port", DEFAULT_PORT);
        InetSocketAddress sdk = new InetSocketAddress(host, port);
        if (sdk.isUnresolved()) {
            throw r.error("sdk-host", "unknown host " + host);
        }
        String process = r.string("process", "game");
        ProcessSettings declaration = declared.get(process);
        if (declaration == null) {
            throw r.error(
                    "process",
                    "names no declared process: " + process + " (declare it in gateway.processes; declared: "
                            + (declared.isEmpty() ? "none" : String.join(", ", new TreeSet<>(declared.keySet())))
                            + ")");
        }
        Pattern ready = r.has("ready-pattern") ? regex(r, "ready-pattern", null) : declaration.readyPattern();
        Duration health = r.duration("health-interval", Duration.ofSeconds(5));
        if (health.compareTo(MIN_INTERVAL) < 0) {
            throw r.error("health-interval", "must be at least " + MIN_INTERVAL.toMillis() + "ms");
        }
        Duration timeout = positive(r, "request-timeout", Duration.ofSeconds(5));
        Duration backoff = positive(r, "retry-backoff", Duration.ofMillis(250));
        Duration maxBackoff = positive(r, "retry-max-backoff", Duration.ofSeconds(10));
        if (maxBackoff.compareTo(backoff) < 0) {
            throw r.error("retry-max-backoff", "must not be less than retry-backoff (" + backoff + ")");
        }
        return new AgonesSettings(
                true,
                sdk,
                process,
                ready,
                declaration.startSeconds() == null ? ProcessSettings.DEFAULT_START_SECONDS : declaration.startSeconds(),
                health,
                r.bool("shutdown-on-exit", true),
                players(r),
                labels(r),
                timeout,
                backoff,
                maxBackoff);
    }

    private static boolean enabled(ConfigReader r, UnaryOperator<String> env) {
        if (r.has("enabled") && "auto".equals(r.config().root().get("enabled").unwrapped())) {
            String port = env.apply(PORT_VARIABLE);
            return port != null && !port.isBlank();
        }
        return r.bool("enabled", false);
    }

    private static Duration positive(ConfigReader r, String key, Duration fallback) {
        Duration d = r.duration(key, fallback);
        if (d.isZero()) {
            throw r.error(key, "must be positive");
        }
        return d;
    }

    private static PlayerPatterns players(ConfigReader r) {
        if (!r.has("players")) {
            return null;
        }
        ConfigReader p = r.object("players");
        p.allowOnly(PLAYER_KEYS);
        for (String key : PLAYER_KEYS) {
            if (!p.has(key)) {
                throw p.error(key, "missing (players needs list, join and leave)");
            }
        }
        String list = p.string("list");
        if (!NAME.matcher(list).matches()) {
            throw p.error("list", "not an Agones List name: " + list);
        }
        return new PlayerPatterns(list, regex(p, "join", PLAYER_GROUP), regex(p, "leave", PLAYER_GROUP));
    }

    private static Map<String, Pattern> labels(ConfigReader r) {
        ConfigReader l = r.object("labels");
        Map<String, Pattern> out = new LinkedHashMap<>();
        for (String key : l.config().root().keySet()) {
            if (!NAME.matcher(key).matches()) {
                throw l.error(key, "not a label key (letters, digits, - _ . and at most 63 characters)");
            }
            out.put(key, regex(l, key, LABEL_GROUP));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The regex at {@code key}, which must have the named group {@code group} when that is not null. */
    private static Pattern regex(ConfigReader r, String key, String group) {
        String source = r.string(key);
        Pattern pattern;
        try {
            pattern = Pattern.compile(source);
        } catch (PatternSyntaxException e) {
            throw r.error(key, "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
        if (group != null && !hasGroup(source, group)) {
            throw r.error(key, "needs a named group (?<" + group + ">...), got " + source);
        }
        return pattern;
    }

    /**
     * Whether {@code source} defines the named group: a back-reference to a group that the pattern
     * does not define is a syntax error, and JDK 17 has no public list of a pattern's group names.
     */
    private static boolean hasGroup(String source, String group) {
        try {
            Pattern.compile("(?:" + source + ")|\\k<" + group + ">");
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
