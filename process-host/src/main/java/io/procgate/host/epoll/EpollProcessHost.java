package io.procgate.host.epoll;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.procgate.host.HistoryHealth;
import io.procgate.host.HistorySlice;
import io.procgate.host.HostSettings;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStatus;
import io.procgate.host.StartResult;
import io.procgate.host.StdinResult;
import io.procgate.host.StopResult;
import io.procgate.host.Subscription;
import io.procgate.host.Supervision;
import io.procgate.host.history.History;
import io.procgate.host.limits.Cgroups;
import io.procgate.host.spawn.ChildLauncher;
import io.procgate.host.spawn.GroupAgent;
import io.procgate.host.stats.StatsSampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process host on Netty's epoll event loops: each child's pipes are registered on one loop of
 * the group that also serves the gateway's sockets. No thread per child or per client; the JDK's
 * own reaper reports exits, which hop to the child's loop.
 *
 * <p>The live figures of running processes are sampled by one {@link StatsSampler} thread every
 * {@link HostSettings#statsInterval()}; limits go through {@link Cgroups} and the child's rlimits.
 *
 * <p>Histories live in {@code <data-dir>/processes/<name>/}; every name found there at start is
 * known (state {@code exited}) with its history and owner.
 */
public final class EpollProcessHost implements ProcessHost {
    private static final Logger LOG = LoggerFactory.getLogger(EpollProcessHost.class);
    /** Names are directory names: the same set the protocols accept, and never "." or "..". */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final String PROCESSES_DIR = "processes";
    /** After the stop deadline and SIGKILL, how long to wait for the kernel to report the exits. */
    private static final long KILL_SETTLE_MILLIS = 5_000;

    private final HostSettings settings;
    private final IoEventLoopGroup loops;
    private final Path root;
    private final ChildLauncher launcher;
    private final GroupAgent groups;
    private final Cgroups cgroups;
    private final StatsSampler sampler;
    /**
     * Spawns children. One thread that lives as long as the host: a child's parent-death signal
     * fires when the thread that spawned it ends, so never a pool thread that may retire.
     */
    private final ExecutorService spawner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "procgate-spawner");
        t.setDaemon(true);
        return t;
    });

    private final ConcurrentHashMap<String, ManagedProcess> processes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public EpollProcessHost(HostSettings settings, IoEventLoopGroup loops) {
        this(settings, loops, Cgroups.detect());
    }

    /** A host that makes its limits' cgroups with {@code cgroups} ({@link Cgroups#unavailable()}: none). */
    public EpollProcessHost(HostSettings settings, IoEventLoopGroup loops, Cgroups cgroups) {
        Epoll.ensureAvailability();
        this.cgroups = cgroups;
        this.settings = settings;
        this.loops = loops;
        this.root = settings.dataDir().resolve(PROCESSES_DIR);
        this.launcher = new ChildLauncher(settings.allowRootChildren());
        this.groups = GroupAgent.start();
        this.sampler = new StatsSampler(settings.statsInterval(), this::sampleTargets);
        try {
            Files.createDirectories(root);
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    String name = dir.getFileName().toString();
                    if (isValidName(name)) {
                        entry(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open data directory " + settings.dataDir(), e);
        }
        sampler.start();
        LOG.info("process host ready: {} known processes in {}", processes.size(), root);
        LOG.info("limits: {}", cgroups.describe());
    }

    private List<StatsSampler.Target> sampleTargets() {
        List<StatsSampler.Target> running = new ArrayList<>();
        for (ManagedProcess p : processes.values()) {
            StatsSampler.Target t = p.sampleTarget();
            if (t != null) {
                running.add(t);
            }
        }
        return running;
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    private ManagedProcess entry(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid process name: " + name);
        }
        return processes.computeIfAbsent(name, this::open);
    }

    private ManagedProcess open(String name) {
        IoEventLoop loop = loops.next();
        if (!loop.isCompatible(EpollIoHandle.class)) {
            throw new IllegalStateException("the process host needs epoll event loops");
        }
        Path dir = root.resolve(name);
        try {
            History history =
                    History.open(dir, settings.segmentBytes(), settings.retentionBytes(), settings.maxLineBytes());
            return new ManagedProcess(
                    name, dir, loop, history, launcher, spawner, groups, settings.stdinBufferBytes(), cgroups);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open history of " + name, e);
        }
    }

    private Optional<ManagedProcess> known(String name) {
        // Entries exist only for valid names, so a lookup needs no check of the name (a regex per
        // request on the tcprocd path).
        ManagedProcess p = name == null ? null : processes.get(name);
        return p != null && p.isKnown() ? Optional.of(p) : Optional.empty();
    }

    @Override
    public CompletableFuture<StartResult> start(String name, ProcessSpec spec, String owner, Supervision supervision) {
        if (closed) {
            return CompletableFuture.completedFuture(StartResult.failed("the gateway is stopping"));
        }
        return entry(name).start(spec, owner, supervision);
    }

    @Override
    public CompletableFuture<StopResult> stop(String name) {
        return known(name)
                .map(ManagedProcess::stop)
                .orElseGet(() -> CompletableFuture.completedFuture(StopResult.NOT_RUNNING));
    }

    @Override
    public CompletableFuture<StopResult> kill(String name) {
        return known(name)
                .map(ManagedProcess::kill)
                .orElseGet(() -> CompletableFuture.completedFuture(StopResult.NOT_RUNNING));
    }

    @Override
    public CompletableFuture<StartResult> restart(String name) {
        if (closed) {
            return CompletableFuture.completedFuture(StartResult.failed("the gateway is stopping"));
        }
        return known(name)
                .map(ManagedProcess::restart)
                .orElseGet(() -> CompletableFuture.completedFuture(StartResult.failed(StartResult.NEVER_STARTED)));
    }

    @Override
    public CompletableFuture<Void> whenStopped(String name) {
        return known(name).map(ManagedProcess::whenStopped).orElseGet(() -> CompletableFuture.completedFuture(null));
    }

    @Override
    public List<ProcessStatus> list() {
        List<ProcessStatus> all = new ArrayList<>();
        for (ManagedProcess p : processes.values()) {
            if (p.isKnown()) {
                all.add(p.status());
            }
        }
        all.sort(Comparator.comparing(ProcessStatus::name));
        return all;
    }

    @Override
    public Optional<ProcessStatus> status(String name) {
        return known(name).map(ManagedProcess::status);
    }

    @Override
    public Optional<HistoryHealth> historyHealth(String name) {
        return known(name).map(p -> {
            History h = p.history();
            return new HistoryHealth(h.isStoring(), h.linesNotKept(), h.storageError());
        });
    }

    @Override
    public StdinResult writeStdin(String name, byte[] line) {
        return known(name).map(p -> p.writeStdin(line)).orElse(StdinResult.NOT_RUNNING);
    }

    @Override
    public Optional<HistorySlice> read(String name, long fromLine, long maxBytes) {
        return known(name).map(p -> p.history().read(fromLine, maxBytes, ByteBufAllocator.DEFAULT));
    }

    @Override
    public Subscription subscribe(String name, LineSubscriber subscriber) {
        return entry(name).subscribe(subscriber);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        await(
                CompletableFuture.allOf(processes.values().stream()
                        .map(ManagedProcess::prepareClose)
                        .toArray(CompletableFuture[]::new)),
                KILL_SETTLE_MILLIS);
        List<ManagedProcess> running =
                processes.values().stream().filter(ManagedProcess::isAlive).toList();
        if (!running.isEmpty()) {
            LOG.info("stopping {} running processes (deadline {})", running.size(), settings.stopAllTimeout());
        }
        CompletableFuture<?>[] stops = running.stream()
                .map(p -> p.stop().thenCompose(r -> p.whenStopped()))
                .toArray(CompletableFuture[]::new);
        if (!await(CompletableFuture.allOf(stops), settings.stopAllTimeout().toMillis())) {
            List<ManagedProcess> left =
                    running.stream().filter(ManagedProcess::isAlive).toList();
            LOG.warn("{} processes still running at the stop deadline: SIGKILL", left.size());
            left.forEach(ManagedProcess::killNow);
            await(
                    CompletableFuture.allOf(
                            left.stream().map(ManagedProcess::whenStopped).toArray(CompletableFuture[]::new)),
                    KILL_SETTLE_MILLIS);
        }
        for (ManagedProcess p : processes.values()) {
            if (p.loop().isShuttingDown()) {
                p.closeHistory();
            } else {
                await(CompletableFuture.runAsync(p::closeHistory, p.loop()), KILL_SETTLE_MILLIS);
            }
        }
        sampler.close();
        groups.close();
        cgroups.close();
        spawner.shutdown();
        LOG.info("process host closed");
    }

    private static boolean await(CompletableFuture<?> future, long millis) {
        try {
            future.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            LOG.warn("stopping processes failed", e.getCause());
            return false;
        }
    }
}
