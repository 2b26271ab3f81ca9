package io.procgate.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.procgate.host.ExitStatus;
import io.procgate.host.HistoryHealth;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStats;
import io.procgate.host.ProcessStatus;
import io.procgate.host.StartResult;
import io.procgate.host.StdinResult;
import io.procgate.host.StopResult;
import io.procgate.host.Subscription;
import io.procgate.host.Supervision;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ProcessHost} that keeps per-process meters, tagged {@code process=<name>}:
 *
 * <pre>
 * procgate_process_state{process,state}         1 for the current state, 0 for the others
 * procgate_process_restarts{process}            restarts by the supervisor since the last start by hand
 * procgate_process_output_lines_total{process}  lines ever kept in the history (its next line number)
 * procgate_process_output_bytes_total{process}  bytes of output since the gateway started (line content plus \n)
 * procgate_process_attached_clients{process}    live output subscriptions (tcprocd attach, TCPR clients)
 * procgate_history_storing{process}             1 while lines are kept, 0 while the storage refuses them
 * procgate_history_lines_not_kept_total{process} lines passed on live but not kept (full disk), since start
 * procgate_process_cpu_seconds_total{process}   CPU seconds of the process group, every run since the gateway started
 * procgate_process_resident_memory_bytes{process} resident memory of the running group (0 when not running)
 * procgate_process_limit_kills_total{process}   runs the kernel killed for passing their memory limit
 * </pre>
 *
 * <p>CPU and memory come from the host's live figures ({@link LineSubscriber#onStats}), so they
 * move every {@code gateway.stats-interval}; CPU used after the last sample of a run is not counted.
 *
 * <p>State, restarts and lines are read from the host when the registry is scraped. Bytes are
 * counted by a subscriber of its own, installed before a name is first started through this host,
 * since the host keeps no byte count; lines a process printed before this gateway started are
 * therefore in the line count but not in the byte count. Everything else is delegated unchanged.
 */
final class MeteredProcessHost implements ProcessHost {
    private static final String PREFIX = "procgate.process.";
    private static final String HISTORY_PREFIX = "procgate.history.";

    private final ProcessHost delegate;
    private final MeterRegistry registry;
    private final Map<String, ProcessMeters> meters = new ConcurrentHashMap<>();

    MeteredProcessHost(ProcessHost delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
        for (ProcessStatus known : delegate.list()) {
            metersOf(known.name());
        }
    }

    /** The meters of one name; held here, since gauges hold their state weakly. */
    private final class ProcessMeters implements LineSubscriber {
        final AtomicInteger attached = new AtomicInteger();
        final Counter bytes;
        final Counter limitKills;
        final Subscription counting;
        /** CPU seconds of the runs before this one, and of this one at its last sample. Loop-confined writes. */
        private volatile double cpuBefore;

        private volatile double cpuThisRun;
        private volatile long rss;

        ProcessMeters(String name) {
            for (ProcessState state : ProcessState.values()) {
                Gauge.builder(PREFIX + "state", this, m -> stateIs(name, state))
                        .description("1 for the process's current state, 0 for the others")
                        .tag("process", name)
                        .tag("state", state.wireName())
                        .register(registry);
            }
            Gauge.builder(PREFIX + "restarts", this, m -> field(name, s -> s.restarts()))
                    .description("Restarts by the supervisor since the last start by hand")
                    .tag("process", name)
                    .register(registry);
            FunctionCounter.builder(PREFIX + "output.lines", this, m -> field(name, ProcessStatus::nextLine))
                    .description("Lines of output ever kept (the next line number)")
                    .tag("process", name)
                    .register(registry);
            Gauge.builder(PREFIX + "attached.clients", attached, AtomicInteger::get)
                    .description("Clients receiving the process's output live")
                    .tag("process", name)
                    .register(registry);
            Gauge.builder(HISTORY_PREFIX + "storing", this, m -> history(name, h -> h.storing() ? 1.0 : 0.0, 1.0))
                    .description("1 while the process's lines are kept, 0 while the storage refuses them")
                    .tag("process", name)
                    .register(registry);
            FunctionCounter.builder(
                            HISTORY_PREFIX + "lines.not.kept", this, m -> history(name, h -> h.linesNotKept(), 0.0))
                    .description("Lines passed on live but not kept because the storage refused them")
                    .tag("process", name)
                    .register(registry);
            bytes = Counter.builder(PREFIX + "output.bytes")
                    .description("Bytes of output since the gateway started (line content and newline)")
                    .baseUnit("bytes")
                    .tag("process", name)
                    .register(registry);
            FunctionCounter.builder(PREFIX + "cpu", this, m -> m.cpuBefore + m.cpuThisRun)
                    .description("CPU seconds used by the process group, every run since the gateway started")
                    .baseUnit("seconds")
                    .tag("process", name)
                    .register(registry);
            Gauge.builder(PREFIX + "resident.memory", this, m -> m.rss)
                    .description("Resident memory of the running process group")
                    .baseUnit("bytes")
                    .tag("process", name)
                    .register(registry);
            limitKills = Counter.builder(PREFIX + "limit.kills")
                    .description("Runs the kernel killed for passing their memory limit")
                    .tag("process", name)
                    .register(registry);
            counting = delegate.subscribe(name, this);
        }

        @Override
        public void onLine(long lineNumber, ByteBuf content) {
            bytes.increment(content.readableBytes() + 1.0);
        }

        @Override
        public void onStart(long pid) {
            cpuBefore += cpuThisRun;
            cpuThisRun = 0;
        }

        @Override
        public void onStats(ProcessStats stats) {
            cpuThisRun = stats.cpuSeconds();
            rss = stats.rssBytes();
        }

        @Override
        public void onExit(ExitStatus status) {
            rss = 0;
            if (ExitStatus.MEMORY_LIMIT.equals(status.reason())) {
                limitKills.increment();
            }
        }
    }

    private double stateIs(String name, ProcessState state) {
        return delegate.status(name).map(s -> s.state() == state ? 1.0 : 0.0).orElse(0.0);
    }

    private double field(String name, java.util.function.ToDoubleFunction<ProcessStatus> f) {
        return delegate.status(name).map(f::applyAsDouble).orElse(0.0);
    }

    private double history(String name, java.util.function.ToDoubleFunction<HistoryHealth> f, double unknown) {
        return delegate.historyHealth(name).map(f::applyAsDouble).orElse(unknown);
    }

    private ProcessMeters metersOf(String name) {
        return meters.computeIfAbsent(name, ProcessMeters::new);
    }

    @Override
    public CompletableFuture<StartResult> start(String name, ProcessSpec spec, String owner) {
        return start(name, spec, owner, Supervision.NONE);
    }

    @Override
    public CompletableFuture<StartResult> start(String name, ProcessSpec spec, String owner, Supervision supervision) {
        if (io.procgate.core.control.ProcessControl.isValidName(name)) {
            metersOf(name);
        }
        return delegate.start(name, spec, owner, supervision);
    }

    @Override
    public CompletableFuture<StopResult> stop(String name) {
        return delegate.stop(name);
    }

    @Override
    public CompletableFuture<StopResult> kill(String name) {
        return delegate.kill(name);
    }

    @Override
    public CompletableFuture<StartResult> restart(String name) {
        return delegate.restart(name);
    }

    @Override
    public CompletableFuture<Void> whenStopped(String name) {
        return delegate.whenStopped(name);
    }

    @Override
    public List<ProcessStatus> list() {
        return delegate.list();
    }

    @Override
    public Optional<ProcessStatus> status(String name) {
        return delegate.status(name);
    }

    @Override
    public Optional<HistoryHealth> historyHealth(String name) {
        return delegate.historyHealth(name);
    }

    @Override
    public StdinResult writeStdin(String name, byte[] line) {
        return delegate.writeStdin(name, line);
    }

    @Override
    public Optional<HistorySlice> read(String name, long fromLine, long maxBytes) {
        return delegate.read(name, fromLine, maxBytes);
    }

    @Override
    public Subscription subscribe(String name, LineSubscriber subscriber) {
        Subscription inner = delegate.subscribe(name, subscriber);
        if (!io.procgate.core.control.ProcessControl.isValidName(name)) {
            return inner; // no meters for names no process can have
        }
        AtomicInteger attached = metersOf(name).attached;
        attached.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                attached.decrementAndGet();
                inner.close();
            }
        };
    }

    @Override
    public void close() {
        meters.values().forEach(m -> m.counting.close());
        delegate.close();
    }
}
