package io.procgate.core.schedule;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.ProcessControl;
import io.procgate.host.ProcessHost;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured processes' schedules: each entry's warnings and action at their times, as
 * the user {@code schedule:NAME} through {@link ProcessControl}, so every one is permitted and
 * audited like a client's.
 *
 * <p>Time: runs are computed in the configured zone from the given {@link Clock}; one timer
 * thread waits for them. A run is computed from the previous one (or from now at the start), and
 * never in the past: runs missed while the gateway was down (or the machine suspended) are not
 * replayed. A warning whose time has passed when its run is armed is not sent.
 *
 * <p>Reload ({@link #apply}): an entry that is the same as before (process, expression, action,
 * command, warnings, zone) keeps its timers; others are dropped or armed anew, from after the
 * last run of the same expression and action, so nothing runs twice.
 *
 * <p>Meters: {@code procgate_schedule_next_run_seconds{process,action}}, the Unix time of the
 * next run of that process and action (the earliest, if several entries share them).
 */
public final class ProcessScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessScheduler.class);
    /** The user name of scheduled actions is this prefix and the process name. */
    public static final String USER_PREFIX = "schedule:";
    /** The protocol scheduled actions are audited with. */
    public static final String PROTOCOL = "schedule";

    private static final String GAUGE = "procgate.schedule.next.run";

    private final ProcessControl control;
    private final ProcessHost host;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "procgate-schedules");
        t.setDaemon(true);
        return t;
    });

    /** Guarded by this. */
    private final Map<JobKey, Job> jobs = new LinkedHashMap<>();
    /** When each expression and action of a process last ran; kept across reloads. Guarded by this. */
    private final Map<String, Instant> lastRuns = new HashMap<>();

    private final Map<List<String>, Gauge> gauges = new HashMap<>();
    /**
     * The next run (Unix seconds) by process and action, for the gauges: read without this
     * object's lock, since a scrape holds the registry's while the scheduler may be registering.
     */
    private final Map<List<String>, Double> nextRuns = new ConcurrentHashMap<>();

    private record JobKey(String process, ScheduleEntry entry, ZoneId zone) {}

    /** One armed entry. Fields guarded by the scheduler. */
    private final class Job {
        final JobKey key;
        final Caller caller;
        Instant next;
        final List<ScheduledFuture<?>> timers = new ArrayList<>();

        Job(JobKey key) {
            this.key = key;
            this.caller = new Caller(new User(USER_PREFIX + key.process(), null, true, null), null, PROTOCOL, false);
        }

        void cancel() {
            timers.forEach(f -> f.cancel(false));
            timers.clear();
        }

        String runKey() {
            return key.process() + "\0" + key.entry().cron().text() + "\0"
                    + key.entry().action();
        }
    }

    public ProcessScheduler(ProcessControl control, ProcessHost host, Clock clock, MeterRegistry registry) {
        this.control = Objects.requireNonNull(control, "control");
        this.host = Objects.requireNonNull(host, "host");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Replaces every schedule with {@code byProcess}, evaluated in {@code zone} (see the class comment). */
    public synchronized void apply(Map<String, List<ScheduleEntry>> byProcess, ZoneId zone) {
        Map<JobKey, Job> kept = new LinkedHashMap<>();
        for (Map.Entry<String, List<ScheduleEntry>> e : byProcess.entrySet()) {
            for (ScheduleEntry entry : e.getValue()) {
                JobKey key = new JobKey(e.getKey(), entry, zone);
                Job job = jobs.remove(key);
                if (job == null && !kept.containsKey(key)) {
                    job = new Job(key);
                    Instant last = lastRuns.get(job.runKey());
                    Instant now = clock.instant();
                    arm(job, last != null && last.isAfter(now) ? last : now);
                }
                if (job != null) {
                    kept.put(key, job);
                }
            }
        }
        jobs.values().forEach(Job::cancel); // what the new configuration no longer has
        jobs.clear();
        jobs.putAll(kept);
        updateGauges();
    }

    /** The entries of {@code process} with their next runs, in configuration order. */
    public synchronized List<ScheduledRun> of(String process) {
        List<ScheduledRun> out = new ArrayList<>();
        for (Job job : jobs.values()) {
            if (job.key.process().equals(process)) {
                out.add(new ScheduledRun(
                        job.key.entry().cron().text(), job.key.entry().action().configName(), job.next));
            }
        }
        return out;
    }

    /** Arms {@code job}'s next run strictly after {@code after}, and the warnings before it. */
    private void arm(Job job, Instant after) {
        ScheduleEntry entry = job.key.entry();
        Instant next = entry.cron()
                .nextAfter(ZonedDateTime.ofInstant(after, job.key.zone()))
                .map(ZonedDateTime::toInstant)
                .orElse(null);
        job.next = next;
        if (next == null) {
            LOG.info("{}: schedule \"{}\" has no further run", job.key.process(), entry.cron());
            return;
        }
        Instant now = clock.instant();
        for (ScheduleWarning warning : entry.warnings()) {
            Instant at = next.minus(warning.before());
            if (!at.isBefore(now)) {
                job.timers.add(at(at, () -> warn(job, next, warning)));
            }
        }
        job.timers.add(at(next, () -> run(job, next)));
        LOG.debug("{}: {} next at {}", job.key.process(), entry.action().configName(), next);
    }

    private ScheduledFuture<?> at(Instant when, Runnable task) {
        long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
        return timer.schedule(() -> fire(when, task), delay, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} at {@code when} by the clock; a timer that woke early waits the rest. */
    private void fire(Instant when, Runnable task) {
        synchronized (this) {
            long early = Duration.between(clock.instant(), when).toMillis();
            if (early > 0) {
                timer.schedule(() -> fire(when, task), early, TimeUnit.MILLISECONDS);
                return;
            }
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("scheduled task failed", e);
        }
    }

    private void warn(Job job, Instant run, ScheduleWarning warning) {
        synchronized (this) {
            if (!isCurrent(job, run)) {
                return;
            }
        }
        ControlStatus status = control.command(job.caller, job.key.process(), bytes(warning.command()));
        LOG.info(
                "{}: warning {} before {}: {}",
                job.key.process(),
                warning.before(),
                job.key.entry().action().configName(),
                status);
    }

    private void run(Job job, Instant run) {
        synchronized (this) {
            if (!isCurrent(job, run)) {
                return;
            }
            lastRuns.put(job.runKey(), run);
            job.timers.clear();
            Instant now = clock.instant();
            arm(job, now.isAfter(run) ? now : run); // a late run does not bring on the ones it missed
            updateGauges();
        }
        String name = job.key.process();
        ScheduleEntry entry = job.key.entry();
        LOG.info("{}: scheduled {} (\"{}\")", name, entry.action().configName(), entry.cron());
        switch (entry.action()) {
            case COMMAND -> control.command(job.caller, name, bytes(entry.command()));
            case STOP -> control.kill(job.caller, name);
            case START -> control.start(job.caller, name, "", null);
            case RESTART -> restart(job.caller, name);
        }
    }

    private void restart(Caller caller, String name) {
        if (!host.status(name).map(s -> s.running()).orElse(false)) {
            LOG.info("{}: scheduled restart: not running, so nothing to restart", name);
            return;
        }
        // A declared name starts as declared: the command given here is not used.
        control.kill(caller, name)
                .thenCompose(status -> host.whenStopped(name))
                .thenCompose(stopped -> control.start(caller, name, "", null))
                .whenComplete((status, error) -> {
                    if (error != null) {
                        LOG.error("{}: scheduled restart failed", name, error);
                    }
                });
    }

    /** Whether {@code job} is still armed for {@code run}: not replaced by a reload, not run already. */
    private boolean isCurrent(Job job, Instant run) {
        return jobs.get(job.key) == job && run.equals(job.next);
    }

    private static byte[] bytes(String line) {
        return line.getBytes(StandardCharsets.UTF_8);
    }

    private void updateGauges() {
        Map<List<String>, Double> present = new HashMap<>();
        for (Job job : jobs.values()) {
            List<String> tags =
                    List.of(job.key.process(), job.key.entry().action().configName());
            double next = job.next == null ? Double.NaN : job.next.toEpochMilli() / 1000.0;
            present.merge(tags, next, (a, b) -> Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b));
        }
        nextRuns.putAll(present);
        nextRuns.keySet().retainAll(present.keySet());
        gauges.entrySet().removeIf(e -> {
            if (!present.containsKey(e.getKey())) {
                registry.remove(e.getValue());
                return true;
            }
            return false;
        });
        for (List<String> tags : present.keySet()) {
            gauges.computeIfAbsent(
                    tags,
                    t -> Gauge.builder(GAUGE, nextRuns, m -> m.getOrDefault(t, Double.NaN))
                            .description("Unix time of the next scheduled run of the process and action")
                            .baseUnit("seconds")
                            .tag("process", t.get(0))
                            .tag("action", t.get(1))
                            .register(registry));
        }
    }

    @Override
    public synchronized void close() {
        jobs.values().forEach(Job::cancel);
        jobs.clear();
        updateGauges();
        timer.shutdownNow();
    }
}
