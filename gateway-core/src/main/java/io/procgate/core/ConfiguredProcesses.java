package io.procgate.core;

import io.procgate.core.auth.User;
import io.procgate.core.config.GatewaySettings;
import io.procgate.core.config.ProcessSettings;
import io.procgate.core.control.Declaration;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStatus;
import io.procgate.host.RunAs;
import io.procgate.host.Subscription;
import io.procgate.host.Supervision;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the host in line with {@code gateway.processes}: at start, the {@code autostart} entries
 * are started under supervision; at a reload, added {@code autostart} entries start, removed ones
 * stop, changed ones that run (or are {@code autostart}) are stopped and started with their new
 * definition, and unchanged ones are left alone (same pid).
 */
final class ConfiguredProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredProcesses.class);
    /**
     * The owner of an entry that names none: no user name can equal it (names have 1-99
     * characters), so only admins see the process.
     */
    static final String NO_OWNER = "";

    /** What the host runs for one entry: everything whose change calls for a restart. */
    private record Launch(ProcessSpec spec, Supervision supervision, String owner, boolean autostart) {}

    private final ProcessHost host;
    /** The host without meters, for the readiness checks' line subscriptions (not clients). */
    private final ProcessHost lines;
    /** Written under this object's lock; read without it by {@link #declaration}. */
    private volatile Map<String, Launch> applied = Map.of();
    /** How each autostart entry counts as started (for readiness), by name; written under the lock. */
    private volatile Map<String, StartedCheck> checks = Map.of();
    /** The line subscriptions of the checks that watch lines; under the lock. */
    private final Map<String, Subscription> checkSubscriptions = new HashMap<>();

    /**
     * @param lines the same host without meters: the readiness checks subscribe to lines through
     *     it, so that they are not counted as attached clients
     */
    ConfiguredProcesses(ProcessHost host, ProcessHost lines) {
        this.host = host;
        this.lines = lines;
    }

    /** Applies {@code settings}' processes; the first call starts the autostart entries. */
    synchronized void apply(GatewaySettings settings) {
        Map<String, Launch> next = new HashMap<>();
        for (ProcessSettings p : settings.processes().values()) {
            next.put(p.name(), launchOf(p, settings));
        }
        applyChecks(settings); // before any start: a check must see the first lines of the run
        for (Map.Entry<String, Launch> e : applied.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                LOG.info("{}: removed from the configuration: stopping it", e.getKey());
                host.stop(e.getKey());
            }
        }
        for (Map.Entry<String, Launch> e : next.entrySet()) {
            String name = e.getKey();
            Launch launch = e.getValue();
            Launch before = applied.get(name);
            if (before == null) {
                if (launch.autostart()) {
                    start(name, launch, "autostart");
                }
            } else if (!before.equals(launch)) {
                // Running (whoever started it) or autostart: it runs again, as now declared.
                boolean running = host.status(name).map(ProcessStatus::running).orElse(false);
                if (!running && !launch.autostart()) {
                    LOG.info("{}: definition changed; not running, so its next start uses it", name);
                    continue;
                }
                LOG.info("{}: definition changed: restarting it", name);
                host.stop(name)
                        .thenCompose(stopping -> host.whenStopped(name))
                        .thenRun(() -> start(name, launch, "restart after a configuration change"));
            }
        }
        applied = Map.copyOf(next);
    }

    /** The applied entry named {@code name}, as what a client's {@code start} of that name runs. */
    Optional<Declaration> declaration(String name) {
        Launch launch = applied.get(name);
        return launch == null
                ? Optional.empty()
                : Optional.of(new Declaration(launch.spec(), launch.supervision(), launch.owner()));
    }

    /** How each applied entry with {@code autostart = true} counts as started, sorted by name (for readiness). */
    List<StartedCheck> startedChecks() {
        return checks.values().stream()
                .sorted(Comparator.comparing(StartedCheck::name))
                .toList();
    }

    /**
     * Keeps one {@link StartedCheck} per autostart entry: an unchanged one stays (with what it saw
     * of the current run), a changed one is replaced and counts from the lines that follow.
     */
    private void applyChecks(GatewaySettings settings) {
        Map<String, StartedCheck> next = new HashMap<>();
        for (ProcessSettings p : settings.processes().values()) {
            if (!p.autostart()) {
                continue;
            }
            StartedCheck before = checks.get(p.name());
            if (before != null && before.sameAs(p)) {
                next.put(p.name(), before);
                continue;
            }
            long runningPid = host.status(p.name())
                    .filter(ProcessStatus::running)
                    .map(ProcessStatus::pid)
                    .orElse(-1L);
            StartedCheck check = StartedCheck.of(p, runningPid);
            next.put(p.name(), check);
            unwatch(p.name());
            if (check.watchesLines()) {
                checkSubscriptions.put(p.name(), lines.subscribe(p.name(), check));
            }
        }
        for (String name : checks.keySet()) {
            if (!next.containsKey(name)) {
                unwatch(name);
            }
        }
        checks = Map.copyOf(next);
    }

    private void unwatch(String name) {
        Subscription old = checkSubscriptions.remove(name);
        if (old != null) {
            old.close();
        }
    }

    private void start(String name, Launch launch, String why) {
        host.start(name, launch.spec(), launch.owner(), launch.supervision()).whenComplete((result, error) -> {
            if (error != null) {
                LOG.error("{} of {} failed", why, name, error);
            } else {
                LOG.info(
                        "{} of {}: {}{}",
                        why,
                        name,
                        result.outcome(),
                        result.error() == null ? "" : " (" + result.error() + ")");
            }
        });
    }

    private static Launch launchOf(ProcessSettings p, GatewaySettings settings) {
        RunAs runAs = settings.defaultRunAs();
        if (p.owner() != null) {
            User owner = settings.users().get(p.owner());
            if (owner != null && owner.runAs() != null) {
                runAs = owner.runAs();
            }
        }
        return new Launch(
                p.spec(runAs), p.supervision(), Objects.requireNonNullElse(p.owner(), NO_OWNER), p.autostart());
    }
}
