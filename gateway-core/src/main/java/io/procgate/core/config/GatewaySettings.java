package io.procgate.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.procgate.core.auth.PasswordHasher;
import io.procgate.core.auth.Pbkdf2PasswordHasher;
import io.procgate.core.auth.StoredPassword;
import io.procgate.core.auth.User;
import io.procgate.core.schedule.CronSchedule;
import io.procgate.core.schedule.ScheduleAction;
import io.procgate.core.schedule.ScheduleEntry;
import io.procgate.core.schedule.ScheduleWarning;
import io.procgate.host.CommandLine;
import io.procgate.host.HostSettings;
import io.procgate.host.ProcessLimits;
import io.procgate.host.ProcessSpec;
import io.procgate.host.RestartPolicy;
import io.procgate.host.RunAs;
import io.procgate.host.Supervision;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The core's configuration, read and validated once from {@code gateway.*} (protocol sections
 * excepted: each plugin reads its own). Handlers get this object, never the raw config tree.
 *
 * @param defaultRunAs {@code gateway.run-as}, or null for the gateway's own user
 * @param users the configured users by name, sorted
 * @param processes the configured processes by name, sorted
 * @param timeZone {@code gateway.time-zone}: the zone every schedule is evaluated in
 * @param statsInterval {@code gateway.stats-interval}: how often live figures are sampled
 */
public record GatewaySettings(
        Path dataDir,
        Duration shutdownTimeout,
        RunAs defaultRunAs,
        boolean allowRootChildren,
        Map<String, User> users,
        Map<String, ProcessSettings> processes,
        HttpSettings http,
        long historyRetention,
        long historySegmentSize,
        int maxLineLength,
        int stdinBuffer,
        Transport transport,
        ZoneId timeZone,
        Duration statsInterval) {

    /** The keys a user entry may have. */
    public static final Set<String> USER_KEYS = Set.of("password", "password-hash", "admin", "run-as");
    /** {@code time-zone}'s word for the zone of the machine. */
    public static final String SYSTEM_ZONE = "system";
    /** The keys of a run-as object. */
    public static final Set<String> RUN_AS_KEYS = Set.of("user", "group");

    public GatewaySettings {
        Objects.requireNonNull(dataDir, "dataDir");
        users = Map.copyOf(users);
        processes = Map.copyOf(processes);
    }

    /** Reads and checks the core keys of a full, resolved configuration. */
    public static GatewaySettings from(Config config) {
        return from(config, new Pbkdf2PasswordHasher());
    }

    /** As {@link #from(Config)}, reading stored password hashes with {@code hasher}. */
    public static GatewaySettings from(Config config, PasswordHasher hasher) {
        if (!config.hasPath("gateway")) {
            throw new ConfigException("gateway: missing (the configuration has no gateway { ... } section)");
        }
        ConfigReader g = ConfigReader.of(config.getConfig("gateway"), "gateway");
        Path dataDir = g.filePath("data-dir", null);
        if (dataDir == null) {
            throw g.error("data-dir", "missing");
        }
        Duration shutdownTimeout = g.duration("shutdown-timeout", HostSettings.DEFAULT_STOP_ALL_TIMEOUT);
        RunAs defaultRunAs = runAs(g.object("run-as"));
        boolean allowRoot = g.bool("allow-root-children", false);

        ConfigReader http = g.object("http");
        HttpSettings httpSettings =
                new HttpSettings(http.bool("enabled", true), http.string("host", "127.0.0.1"), http.port("port", 9100));

        ConfigReader history = g.object("history");
        long retention = history.bytes("retention", HostSettings.DEFAULT_RETENTION_BYTES);
        long segment = history.bytes("segment-size", HostSettings.DEFAULT_SEGMENT_BYTES);
        long maxLine = history.bytes("max-line-length", HostSettings.DEFAULT_MAX_LINE_BYTES);
        if (maxLine > Integer.MAX_VALUE / 2) {
            throw history.error("max-line-length", "too large (at most 1 GiB)");
        }
        long stdin = g.bytes("stdin-buffer", HostSettings.DEFAULT_STDIN_BUFFER_BYTES);
        if (stdin > Integer.MAX_VALUE / 2) {
            throw g.error("stdin-buffer", "too large (at most 1 GiB)");
        }
        Transport transport = transport(g);
        ZoneId timeZone = timeZone(g);
        Duration statsInterval = g.duration("stats-interval", HostSettings.DEFAULT_STATS_INTERVAL);
        if (statsInterval.compareTo(HostSettings.MIN_STATS_INTERVAL) < 0) {
            throw g.error("stats-interval", "must be at least " + HostSettings.MIN_STATS_INTERVAL.toMillis() + "ms");
        }

        Map<String, User> users = new TreeMap<>();
        ConfigReader usersSection = g.object("users");
        for (String name : usersSection.config().root().keySet()) {
            users.put(name, user(name, entry(usersSection, name), hasher));
        }
        Map<String, ProcessSettings> processes = new TreeMap<>();
        ConfigReader processSection = g.object("processes");
        for (String name : processSection.config().root().keySet()) {
            processes.put(name, process(name, entry(processSection, name)));
        }

        GatewaySettings settings = new GatewaySettings(
                dataDir,
                shutdownTimeout,
                defaultRunAs,
                allowRoot,
                users,
                processes,
                httpSettings,
                retention,
                segment,
                (int) maxLine,
                (int) stdin,
                transport,
                timeZone,
                statsInterval);
        try {
            settings.hostSettings();
        } catch (IllegalArgumentException e) {
            throw g.error("history", e.getMessage());
        }
        return settings;
    }

    /** The process host's settings. */
    public HostSettings hostSettings() {
        return new HostSettings(
                dataDir,
                historyRetention,
                historySegmentSize,
                maxLineLength,
                stdinBuffer,
                allowRootChildren,
                shutdownTimeout,
                statsInterval);
    }

    /** Users whose password is in plain text in the config (warned about at start), sorted. */
    public List<String> plainTextPasswordUsers() {
        return users.values().stream()
                .filter(u -> u.hasPassword() && u.password().isPlainText())
                .map(User::name)
                .sorted()
                .toList();
    }

    private static ConfigReader entry(ConfigReader section, String name) {
        ConfigValue v = section.config().root().get(name);
        if (v.valueType() != com.typesafe.config.ConfigValueType.OBJECT) {
            throw section.error(name, "expected an object { ... }, got " + ConfigReader.describe(v));
        }
        return section.object(name);
    }

    private static User user(String name, ConfigReader u, PasswordHasher hasher) {
        u.allowOnly(USER_KEYS);
        if (name.isEmpty() || name.length() > 99) {
            throw ConfigException.at(
                    u.path(),
                    "a user name must have 1-99 characters",
                    u.config().root().origin());
        }
        StoredPassword password = null;
        if (u.has("password") && u.has("password-hash")) {
            throw u.error("password-hash", "a user has password or password-hash, not both");
        }
        if (u.has("password-hash")) {
            try {
                password = hasher.parseHash(u.string("password-hash"));
            } catch (IllegalArgumentException e) {
                throw u.error("password-hash", e.getMessage());
            }
        } else if (u.has("password")) {
            password = hasher.plainText(u.string("password"));
        }
        return new User(name, password, u.bool("admin", false), runAs(u.object("run-as")));
    }

    private static RunAs runAs(ConfigReader r) {
        r.allowOnly(RUN_AS_KEYS);
        String user = r.string("user", null);
        String group = r.string("group", null);
        if (user == null || user.isBlank()) {
            if (group != null && !group.isBlank()) {
                throw r.error("group", "a run-as group needs a run-as user");
            }
            return null;
        }
        return new RunAs(user, group);
    }

    private static ProcessSettings process(String name, ConfigReader p) {
        p.allowOnly(ProcessSettings.KEYS);
        if (!io.procgate.core.control.ProcessControl.isValidName(name)) {
            throw ConfigException.at(
                    p.path(),
                    "a process name must match [A-Za-z0-9._-]{1,64}",
                    p.config().root().origin());
        }
        String command = p.string("command", null);
        if (command == null) {
            throw p.error("command", "missing");
        }
        List<String> argv;
        try {
            argv = CommandLine.split(command);
        } catch (IllegalArgumentException e) {
            throw p.error("command", e.getMessage());
        }
        String restartText = p.string("restart", "no").toLowerCase(Locale.ROOT);
        RestartPolicy restart = RestartPolicy.fromConfigName(restartText);
        if (restart == null) {
            throw p.error("restart", "expected no, on-failure or always, got \"" + restartText + "\"");
        }
        Map<String, String> env = new LinkedHashMap<>(p.stringMap("env"));
        Duration backoff = p.duration("restart-backoff", Supervision.DEFAULT_BACKOFF);
        if (backoff.compareTo(Supervision.DEFAULT_MAX_BACKOFF) > 0) {
            throw p.error("restart-backoff", "must be at most " + Supervision.DEFAULT_MAX_BACKOFF.toSeconds() + "s");
        }
        return new ProcessSettings(
                name,
                command,
                argv,
                p.filePath("path", null),
                p.string("owner", null),
                p.bool("autostart", false),
                restart,
                backoff,
                p.intValue("restart-max-failures", Supervision.DEFAULT_MAX_FAILURES, 0, 1_000_000),
                p.duration("restart-window", Supervision.DEFAULT_WINDOW),
                p.string("stop-command", null),
                p.duration("stop-timeout", ProcessSpec.DEFAULT_STOP_TIMEOUT),
                p.duration("kill-grace", ProcessSpec.DEFAULT_KILL_GRACE),
                p.bool("tty", false),
                env,
                regex(p, "ready-pattern"),
                p.duration("start-seconds", ProcessSettings.DEFAULT_START_SECONDS),
                limits(p.object("limits")),
                schedules(name, p));
    }

    private static ProcessLimits limits(ConfigReader l) {
        l.allowOnly(ProcessSettings.LIMIT_KEYS);
        long memory = l.bytes("memory", 0);
        double cpu = l.number("cpu", 0, 0);
        if (l.has("cpu") && cpu <= 0) {
            throw l.error("cpu", "must be positive (cores, e.g. 2.0)");
        }
        int pids = l.intValue("pids", 0, 1, Integer.MAX_VALUE);
        int openFiles = l.intValue("open-files", 0, 1, Integer.MAX_VALUE);
        return new ProcessLimits(memory, cpu, pids, openFiles, l.bool("required", true));
    }

    private static List<ScheduleEntry> schedules(String process, ConfigReader p) {
        List<ScheduleEntry> entries = new ArrayList<>();
        for (ConfigReader s : p.objectList("schedules")) {
            s.allowOnly(ProcessSettings.SCHEDULE_KEYS);
            String cronText = s.string("cron", null);
            if (cronText == null) {
                throw s.error("cron", "missing");
            }
            CronSchedule cron;
            try {
                cron = CronSchedule.parse(cronText);
            } catch (IllegalArgumentException e) {
                throw s.error(
                        "cron",
                        "process " + process + ": invalid cron expression \"" + cronText + "\": " + e.getMessage());
            }
            String word = s.string("action", "").toLowerCase(Locale.ROOT);
            ScheduleAction action = ScheduleAction.fromConfigName(word);
            if (action == null) {
                throw s.error("action", "expected restart, stop, start or command, got \"" + word + "\"");
            }
            List<ScheduleWarning> warnings = new ArrayList<>();
            for (ConfigReader w : s.objectList("warn")) {
                w.allowOnly(ProcessSettings.WARN_KEYS);
                Duration before = w.duration("before", null);
                String line = w.string("command", null);
                if (before == null || before.isZero()) {
                    throw w.error("before", "missing (how long before the " + word + ", e.g. 5m)");
                }
                if (line == null) {
                    throw w.error("command", "missing (the line written to stdin)");
                }
                warnings.add(new ScheduleWarning(before, line));
            }
            try {
                entries.add(new ScheduleEntry(cron, action, s.string("command", null), warnings));
            } catch (IllegalArgumentException e) {
                throw ConfigException.at(
                        s.path(), e.getMessage(), s.config().root().origin());
            }
        }
        return entries;
    }

    private static ZoneId timeZone(ConfigReader g) {
        String zone = g.string("time-zone", SYSTEM_ZONE);
        if (zone.equalsIgnoreCase(SYSTEM_ZONE)) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw g.error(
                    "time-zone", "expected \"system\" or an IANA zone such as Europe/Berlin, got \"" + zone + "\"");
        }
    }

    private static Pattern regex(ConfigReader r, String key) {
        String text = r.string(key, null);
        if (text == null) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw r.error(key, "not a valid regular expression: " + e.getDescription());
        }
    }

    private static Transport transport(ConfigReader g) {
        String t = g.string("transport", "auto").toLowerCase(Locale.ROOT);
        return switch (t) {
            case "auto" -> Transport.AUTO;
            case "epoll" -> Transport.EPOLL;
            case "nio" -> Transport.NIO;
            default -> throw g.error("transport", "expected auto, epoll or nio, got \"" + t + "\"");
        };
    }
}
