package io.procgate.host.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoop;
import io.procgate.host.ExitStatus;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessLimits;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStats;
import io.procgate.host.ProcessStatus;
import io.procgate.host.RestartPolicy;
import io.procgate.host.Signals;
import io.procgate.host.StartResult;
import io.procgate.host.StdinResult;
import io.procgate.host.StopResult;
import io.procgate.host.Subscription;
import io.procgate.host.Supervision;
import io.procgate.host.history.History;
import io.procgate.host.limits.Cgroups;
import io.procgate.host.limits.LimitException;
import io.procgate.host.limits.OpenFilesLimit;
import io.procgate.host.limits.ProcessCgroup;
import io.procgate.host.os.Passwd;
import io.procgate.host.spawn.ChildLauncher;
import io.procgate.host.spawn.GroupAgent;
import io.procgate.host.spawn.SpawnException;
import io.procgate.host.spawn.Spawned;
import io.procgate.host.stats.StatsSampler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process name: its history, its current run (if any) and its live subscribers. All state
 * changes happen on the one event loop the name is pinned to, which also reads its output pipe,
 * so line numbering and fan-out need no locks. Snapshots for other threads are volatile.
 */
final class ManagedProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedProcess.class);
    private static final String OWNER_FILE = "owner";
    private static final byte[] NEWLINE = {'\n'};
    /** How often a history that does not store lines tries again when no output comes to try with. */
    private static final long STORAGE_RETRY_MILLIS = 1_000;

    /** A cgroup still holding processes at exit is removed later: this often, at most this many times. */
    private static final long CGROUP_REMOVE_RETRY_MILLIS = 1_000;

    private static final int CGROUP_REMOVE_ATTEMPTS = 60;

    private final String name;
    private final Path dir;
    private final IoEventLoop loop;
    private final History history;
    private final ChildLauncher launcher;
    private final Executor spawner;
    private final GroupAgent groups;
    private final long stdinBufferBytes;
    private final Cgroups cgroups;
    private final CopyOnWriteArrayList<LineSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private final History.LineConsumer fanOut = this::deliver;

    // Published for any thread.
    private volatile ProcessState state = ProcessState.EXITED;
    private volatile long pid = -1;
    private volatile ExitStatus lastExit;
    private volatile String owner;
    private volatile String lastError;
    private volatile Instant since;
    private volatile InputPipe stdin;
    private volatile boolean everStarted;
    private volatile int restarts;
    private volatile ProcessStats stats;
    private volatile String limitProblem;
    /** The run the stats sampler reads, or null while none runs. */
    private volatile RunSample sampled;

    // Loop-confined.
    private Spawned run;
    private ProcessCgroup cgroup;
    private OutputPipe output;
    private ProcessSpec spec;
    private boolean stopRequested;
    private CompletableFuture<Void> stopped = CompletableFuture.completedFuture(null);
    private Supervision supervision = Supervision.NONE;
    private String runOwner;
    /** When recent failures happened (System.nanoTime), for the crash-loop guard. */
    private final ArrayDeque<Long> failureTimes = new ArrayDeque<>();

    private ScheduledFuture<?> pendingRestart;
    /** While the history does not store lines: the next try to store again, for when no output comes. */
    private ScheduledFuture<?> storageRetry;

    private boolean historyClosed;
    private boolean hostClosing;
    private boolean stopWhenStarted;
    /** A restart waits for the current run to end. */
    private boolean restartPending;

    ManagedProcess(
            String name,
            Path dir,
            IoEventLoop loop,
            History history,
            ChildLauncher launcher,
            Executor spawner,
            GroupAgent groups,
            long stdinBufferBytes,
            Cgroups cgroups) {
        this.name = name;
        this.cgroups = cgroups;
        this.groups = groups;
        this.spawner = spawner;
        this.dir = dir;
        this.loop = loop;
        this.history = history;
        this.launcher = launcher;
        this.stdinBufferBytes = stdinBufferBytes;
        this.owner = readOwner(dir);
        this.everStarted = owner != null || history.nextLine() > 0;
    }

    String name() {
        return name;
    }

    IoEventLoop loop() {
        return loop;
    }

    History history() {
        return history;
    }

    /** Whether the host should list this name: it ran, tried to, or has a history. */
    boolean isKnown() {
        return everStarted;
    }

    boolean isAlive() {
        return state.isAlive();
    }

    ProcessStatus status() {
        return new ProcessStatus(
                name,
                state,
                pid,
                lastExit,
                history.nextLine(),
                owner,
                lastError,
                since,
                restarts,
                state.isAlive() ? stats : null,
                limitProblem);
    }

    /** What the stats sampler reads for the current run, or null while none runs. */
    StatsSampler.Target sampleTarget() {
        return sampled;
    }

    CompletableFuture<StartResult> start(ProcessSpec newSpec, String newOwner, Supervision newSupervision) {
        CompletableFuture<StartResult> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (state.isAlive()) {
                result.complete(StartResult.exists());
                return;
            }
            // Asked for by someone: a fresh start, whatever the crash-loop guard counted before.
            cancelPendingRestart();
            failureTimes.clear();
            restarts = 0;
            supervision = newSupervision;
            startOnLoop(newSpec, newOwner).thenAccept(result::complete);
        });
        return result;
    }

    /**
     * Spawns on the host's spawner thread (a spawn blocks for milliseconds; the loop must not), then
     * wires the child's pipes on the loop. The name is {@code starting} meanwhile.
     */
    private CompletableFuture<StartResult> startOnLoop(ProcessSpec newSpec, String newOwner) {
        everStarted = true;
        runOwner = newOwner;
        if (newOwner != null && !newOwner.equals(owner)) {
            // Recorded even when the start fails, so its owner may read why (status).
            owner = newOwner;
            writeOwner(dir, newOwner);
        }
        state = ProcessState.STARTING;
        stopWhenStarted = false;
        CompletableFuture<StartResult> result = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> spawn(newSpec), spawner)
                .whenCompleteAsync((outcome, error) -> result.complete(finishStart(newSpec, outcome, error)), loop);
        return result;
    }

    /** A started child and the cgroups it joined (null: none). */
    private record Launched(Spawned spawned, ProcessCgroup cgroup, String limitProblem) {}

    /** Runs on the spawner thread: a started child, or why it could not start. */
    private Object spawn(ProcessSpec newSpec) {
        ProcessCgroup group = null;
        try {
            String problem = OpenFilesLimit.problem(newSpec.limits().openFiles(), Passwd.currentUid() == 0);
            ProcessSpec toRun = newSpec;
            if (problem != null) {
                if (newSpec.limits().required()) {
                    throw new SpawnException(problem);
                }
                toRun = newSpec.withLimits(withoutOpenFiles(newSpec));
            }
            try {
                group = cgroups.create(name, newSpec.limits());
            } catch (LimitException e) {
                if (newSpec.limits().required()) {
                    throw new SpawnException(e.getMessage() + " (limits.required = true)");
                }
                problem = problem == null ? e.getMessage() : problem + "; " + e.getMessage();
            }
            Spawned spawned = launcher.launch(toRun, group == null ? List.of() : group.procsFiles());
            return new Launched(spawned, group, problem);
        } catch (SpawnException e) {
            removeQuietly(group);
            return e;
        } catch (RuntimeException e) {
            removeQuietly(group);
            return new SpawnException("cannot execute " + newSpec.argv().get(0) + ": " + e);
        }
    }

    private static ProcessLimits withoutOpenFiles(ProcessSpec spec) {
        ProcessLimits l = spec.limits();
        return new ProcessLimits(l.memoryBytes(), l.cpu(), l.pids(), 0, l.required());
    }

    private static void removeQuietly(ProcessCgroup group) {
        if (group != null) {
            group.remove();
        }
    }

    private StartResult finishStart(ProcessSpec newSpec, Object outcome, Throwable error) {
        spec = newSpec;
        if (error != null || outcome instanceof SpawnException) {
            SpawnException e = outcome instanceof SpawnException se
                    ? se
                    : new SpawnException("cannot execute " + newSpec.argv().get(0) + ": " + error);
            lastError = e.getMessage();
            LOG.warn("{}: start failed: {}", name, e.getMessage());
            if (!e.isRootRefusal() && !hostClosing && supervision.policy() != RestartPolicy.NO) {
                scheduleRestartAfterFailure(); // e.g. a missing file that a deploy will bring back
            } else {
                state = ProcessState.EXITED;
            }
            return e.isRootRefusal() ? StartResult.refusedRoot() : StartResult.failed(e.getMessage());
        }
        Launched launched = (Launched) outcome;
        Spawned spawned = launched.spawned();
        if (launched.limitProblem() != null && !launched.limitProblem().equals(limitProblem)) {
            LOG.warn("{}: runs without a limit: {} (limits.required = false)", name, launched.limitProblem());
        }
        limitProblem = launched.limitProblem();
        cgroup = launched.cgroup();
        run = spawned;
        stopRequested = false;
        stopped = new CompletableFuture<>();
        lastError = null;
        since = Instant.now();
        pid = spawned.process().pid();
        groups.add(pid); // setsid made the child its group's leader: pid = pgid
        output = new OutputPipe(spawned.output(), new OutputSink(spawned));
        output.register(loop);
        InputPipe input = new InputPipe(spawned.input(), loop, stdinBufferBytes);
        input.register();
        stdin = input;
        state = ProcessState.RUNNING;
        stats = null;
        sampled = new RunSample(spawned, System.nanoTime());
        spawned.process().onExit().whenCompleteAsync((p, ignored) -> onExit(spawned), loop);
        LOG.info("{}: started pid {}: {}", name, pid, newSpec.commandLine());
        for (LineSubscriber s : subscribers) {
            try {
                s.onStart(pid);
            } catch (RuntimeException e) {
                LOG.warn("{}: subscriber failed on start", name, e);
            }
        }
        long startedPid = pid;
        if (stopWhenStarted || hostClosing) {
            stopOnLoop(); // a stop came while it was being spawned
        }
        return StartResult.started(startedPid);
    }

    CompletableFuture<StopResult> stop() {
        CompletableFuture<StopResult> result = new CompletableFuture<>();
        loop.execute(() -> result.complete(stopOnLoop()));
        return result;
    }

    private StopResult stopOnLoop() {
        if (state == ProcessState.STARTING) {
            stopWhenStarted = true;
            return StopResult.STOPPING;
        }
        if (state == ProcessState.BACKOFF) {
            cancelPendingRestart();
            state = ProcessState.EXITED;
            LOG.info("{}: stop asked for while waiting to restart: it stays down", name);
            return StopResult.STOPPING;
        }
        if (!state.isAlive() || run == null) {
            return StopResult.NOT_RUNNING;
        }
        if (stopRequested) {
            return StopResult.STOPPING;
        }
        stopRequested = true;
        state = ProcessState.STOPPING;
        Spawned target = run;
        long group = target.process().pid();
        InputPipe input = stdin;
        if (spec.stopCommand() != null && input != null && input.offer(lineOf(spec.stopCommand()))) {
            LOG.info("{}: stopping: sent stop command, SIGTERM in {}", name, spec.stopTimeout());
            loop.schedule(
                    () -> {
                        if (run == target) {
                            terminate(group, target);
                        }
                    },
                    spec.stopTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } else {
            LOG.info("{}: stopping: SIGTERM to process group {}", name, group);
            terminate(group, target);
        }
        return StopResult.STOPPING;
    }

    CompletableFuture<StopResult> kill() {
        CompletableFuture<StopResult> result = new CompletableFuture<>();
        loop.execute(() -> result.complete(killOnLoop()));
        return result;
    }

    private StopResult killOnLoop() {
        if (state == ProcessState.STARTING || state == ProcessState.BACKOFF || run == null) {
            return stopOnLoop(); // nothing to signal yet: the same as a stop
        }
        stopRequested = true;
        state = ProcessState.STOPPING;
        long group = run.process().pid();
        LOG.info("{}: killing process group {} at once (SIGKILL)", name, group);
        groups.signalRun(group, Signals.SIGKILL);
        groups.remove(group);
        return StopResult.STOPPING;
    }

    CompletableFuture<StartResult> restart() {
        CompletableFuture<StartResult> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (spec == null) {
                result.complete(StartResult.failed(StartResult.NEVER_STARTED));
                return;
            }
            if (state == ProcessState.STARTING || restartPending) {
                result.complete(StartResult.exists());
                return;
            }
            ProcessSpec again = spec;
            Supervision sameSupervision = supervision;
            String sameOwner = runOwner;
            if (!state.isAlive()) {
                start(again, sameOwner, sameSupervision).thenAccept(result::complete);
                return;
            }
            restartPending = true;
            stopOnLoop();
            stopped.whenCompleteAsync(
                    (v, e) -> {
                        restartPending = false;
                        if (hostClosing) {
                            result.complete(StartResult.failed("the gateway is stopping"));
                            return;
                        }
                        start(again, sameOwner, sameSupervision).thenAccept(result::complete);
                    },
                    loop);
        });
        return result;
    }

    /** SIGTERM to the group now, SIGKILL to whatever of it is left after the grace period. */
    private void terminate(long group, Spawned target) {
        signalRun(group, target, Signals.SIGTERM);
        loop.schedule(
                () -> {
                    if (run == target) {
                        LOG.warn("{}: still running {} after SIGTERM: SIGKILL", name, spec.killGrace());
                    }
                    // Also reaches descendants that outlived the leader.
                    signalRun(group, target, Signals.SIGKILL);
                    groups.remove(group);
                },
                spec.killGrace().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Signals the group of {@code target}; while it is the current run (not yet reaped: its exit
     * hops to this loop before {@code run} changes), also its leader alone if the group is not made
     * yet, so that a stop right after a start is not lost.
     */
    private void signalRun(long group, Spawned target, int signal) {
        if (run == target) {
            groups.signalRun(group, signal);
        } else {
            groups.signal(group, signal);
        }
    }

    /** Kills the group at once (gateway shutdown past its deadline). */
    void killNow() {
        loop.execute(() -> {
            if (run != null) {
                long group = run.process().pid();
                groups.signalRun(group, Signals.SIGKILL);
                groups.remove(group);
            }
        });
    }

    CompletableFuture<Void> whenStopped() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        loop.execute(() -> stopped.whenComplete((v, e) -> result.complete(null)));
        return result;
    }

    StdinResult writeStdin(byte[] line) {
        InputPipe input = stdin;
        if (input == null || input.isClosed() || !state.isAlive()) {
            return StdinResult.NOT_RUNNING;
        }
        return input.offer(lineOf(line)) ? StdinResult.WRITTEN : StdinResult.BUFFER_FULL;
    }

    /**
     * Adds a subscriber. Closing the subscription from another thread removes it on this loop, after
     * the read being delivered (if any): a subscriber that gathers a read's lines always gets the
     * {@code onLinesEnd} that sends (or frees) them.
     */
    Subscription subscribe(LineSubscriber subscriber) {
        subscribers.add(subscriber);
        return () -> {
            if (loop.inEventLoop()) {
                subscribers.remove(subscriber);
                return;
            }
            try {
                loop.execute(() -> subscribers.remove(subscriber));
            } catch (RejectedExecutionException stopped) {
                subscribers.remove(subscriber); // the loop is gone: no read is being delivered
            }
        };
    }

    private void deliver(long lineNumber, ByteBuf content) {
        for (LineSubscriber s : subscribers) {
            try {
                s.onLine(lineNumber, content);
            } catch (RuntimeException e) {
                LOG.warn("{}: subscriber failed on line {}", name, lineNumber, e);
            }
        }
    }

    /** The lines of one read went to every subscriber: those that batch send them now. */
    private void endOfRead() {
        for (LineSubscriber s : subscribers) {
            try {
                s.onLinesEnd();
            } catch (RuntimeException e) {
                LOG.warn("{}: subscriber failed at the end of a read", name, e);
            }
        }
    }

    private void onExit(Spawned spawned) {
        if (run != spawned) {
            return;
        }
        // Everything the child wrote before it exited is in the pipe now: read it all.
        OutputPipe pipe = output;
        pipe.drain();
        boolean descendantsHoldPipe = !pipe.isClosed();
        pipe.close();
        finishPartialLine();
        stdin.close();
        ExitStatus exit = ExitStatus.fromJdkExitValue(spawned.process().exitValue());
        long group = spawned.process().pid();
        ProcessCgroup runGroup = cgroup;
        if (runGroup != null && exit.signal() == Signals.SIGKILL && runGroup.memoryLimitKills() > 0) {
            exit = exit.withReason(ExitStatus.MEMORY_LIMIT);
            LOG.warn(
                    "{}: killed by the kernel for passing its memory limit ({} bytes)",
                    name,
                    spec.limits().memoryBytes());
        }
        cgroup = null;
        sampled = null;
        stats = null;
        run = null;
        output = null;
        lastExit = exit;
        pid = -1;
        state = ProcessState.EXITED;
        since = Instant.now();
        LOG.info("{}: exited with {}{}", name, exit, stopRequested ? " (stop requested)" : "");
        if (descendantsHoldPipe && !stopRequested) {
            // The leader is gone but processes it started still hold its output: stop them too.
            LOG.info("{}: stopping what is left of process group {}", name, group);
            groups.signal(group, Signals.SIGTERM);
            loop.schedule(
                    () -> {
                        groups.signal(group, Signals.SIGKILL);
                        groups.remove(group);
                    },
                    spec.killGrace().toMillis(),
                    TimeUnit.MILLISECONDS);
        } else if (!stopRequested) {
            groups.remove(group); // nothing of the group holds the output: it is gone
        }
        if (runGroup != null) {
            removeCgroupWhenEmpty(runGroup, CGROUP_REMOVE_ATTEMPTS);
        }
        for (LineSubscriber s : subscribers) {
            try {
                s.onExit(exit);
            } catch (RuntimeException e) {
                LOG.warn("{}: subscriber failed on exit", name, e);
            }
        }
        if (!stopRequested && !hostClosing && supervision.policy().restartsAfter(exit)) {
            if (exit.success()) {
                scheduleRestart(supervision.backoff(), "exited cleanly");
            } else {
                scheduleRestartAfterFailure();
            }
        }
        stopped.complete(null);
    }

    /** Removes a run's cgroups once what is left of its group has gone (the kernel refuses before). */
    private void removeCgroupWhenEmpty(ProcessCgroup group, int attemptsLeft) {
        if (group.remove()) {
            return;
        }
        if (attemptsLeft <= 1) {
            LOG.warn("{}: cgroups {} still hold processes; left in place", name, group.directories());
            return;
        }
        try {
            loop.schedule(
                    () -> removeCgroupWhenEmpty(group, attemptsLeft - 1),
                    CGROUP_REMOVE_RETRY_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // The loops are stopping: the host's close removes what is left (Cgroups.close).
        }
    }

    /** The sampler's view of one run: its figures are kept and fanned out on the loop while it runs. */
    private final class RunSample implements StatsSampler.Target {
        private final Spawned spawned;
        private final long startNanos;

        RunSample(Spawned spawned, long startNanos) {
            this.spawned = spawned;
            this.startNanos = startNanos;
        }

        @Override
        public long processGroup() {
            return spawned.process().pid();
        }

        @Override
        public long startNanos() {
            return startNanos;
        }

        @Override
        public void publish(ProcessStats figures) {
            loop.execute(() -> {
                if (run != spawned) {
                    return; // exited meanwhile
                }
                stats = figures;
                for (LineSubscriber s : subscribers) {
                    try {
                        s.onStats(figures);
                    } catch (RuntimeException e) {
                        LOG.warn("{}: subscriber failed on stats", name, e);
                    }
                }
            });
        }
    }

    /** Counts a failure; restarts after a growing delay, or gives up when the crash-loop guard trips. */
    private void scheduleRestartAfterFailure() {
        long now = System.nanoTime();
        failureTimes.addLast(now);
        while (!failureTimes.isEmpty()
                && now - failureTimes.peekFirst() > supervision.window().toNanos()) {
            failureTimes.pollFirst();
        }
        int failures = failureTimes.size();
        if (failures > supervision.maxFailures()) {
            state = ProcessState.FAILED;
            since = Instant.now();
            LOG.error(
                    "{}: gave up: {} failures within {} (restart-max-failures = {})",
                    name,
                    failures,
                    supervision.window(),
                    supervision.maxFailures());
            return;
        }
        scheduleRestart(
                supervision.delayAfter(failures), "failure " + failures + " of at most " + supervision.maxFailures());
    }

    private void scheduleRestart(Duration delay, String why) {
        state = ProcessState.BACKOFF;
        LOG.info("{}: restarting in {} ms ({})", name, delay.toMillis(), why);
        ProcessSpec restartSpec = spec;
        pendingRestart = loop.schedule(
                () -> {
                    pendingRestart = null;
                    if (state != ProcessState.BACKOFF || hostClosing) {
                        return;
                    }
                    restarts++;
                    startOnLoop(restartSpec, runOwner).thenAccept(result -> {
                        if (result.outcome() == StartResult.Outcome.STARTED) {
                            LOG.info("{}: restarted (restart {}), pid {}", name, restarts, result.pid());
                        }
                    });
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void cancelPendingRestart() {
        if (pendingRestart != null) {
            pendingRestart.cancel(false);
            pendingRestart = null;
        }
    }

    /** The host is closing: no more restarts, and one waiting is dropped. */
    CompletableFuture<Void> prepareClose() {
        return CompletableFuture.runAsync(
                () -> {
                    hostClosing = true;
                    if (state == ProcessState.BACKOFF) {
                        cancelPendingRestart();
                        state = ProcessState.EXITED;
                    }
                },
                loop);
    }

    private void finishPartialLine() {
        try {
            history.finishPartialLine(fanOut);
        } catch (IOException e) {
            LOG.error("{}: cannot write history: {}", name, e.toString());
        }
        endOfRead();
        watchStorage();
    }

    /**
     * While the history does not store lines (the storage refused a write), tries again on a
     * timer too: a process that has gone quiet must not leave its history (and readiness) stuck.
     */
    private void watchStorage() {
        if (storageRetry != null || historyClosed || history.isStoring()) {
            return;
        }
        storageRetry = loop.schedule(
                () -> {
                    storageRetry = null;
                    if (!historyClosed) {
                        history.retryStoring();
                        watchStorage();
                    }
                },
                STORAGE_RETRY_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Flushes and closes the history; call on the loop once the process is gone. */
    void closeHistory() {
        historyClosed = true;
        if (storageRetry != null) {
            storageRetry.cancel(false);
            storageRetry = null;
        }
        try {
            history.force();
            history.close();
        } catch (IOException e) {
            LOG.warn("{}: closing history failed: {}", name, e.toString());
        }
    }

    private final class OutputSink implements OutputPipe.Sink {
        private final Spawned spawned;

        OutputSink(Spawned spawned) {
            this.spawned = spawned;
        }

        @Override
        public void onBytes(ByteBuf chunk) {
            try {
                history.append(chunk, subscribers.isEmpty() ? null : fanOut);
            } catch (IOException e) {
                LOG.error("{}: cannot write history: {}", name, e.toString());
            }
            endOfRead();
            watchStorage();
        }

        @Override
        public void onEof() {
            if (run == spawned) {
                finishPartialLine(); // the child closed its output; no more bytes can follow
            }
        }

        @Override
        public void onError(IOException e) {
            LOG.error("{}: reading output failed: {}", name, e.toString());
        }
    }

    private static byte[] lineOf(String line) {
        return lineOf(line.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] lineOf(byte[] line) {
        byte[] out = new byte[line.length + NEWLINE.length];
        System.arraycopy(line, 0, out, 0, line.length);
        out[line.length] = NEWLINE[0];
        return out;
    }

    private static String readOwner(Path dir) {
        try {
            Path file = dir.resolve(OWNER_FILE);
            return Files.exists(file)
                    ? Files.readString(file, StandardCharsets.UTF_8).strip()
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void writeOwner(Path dir, String owner) {
        try {
            Path tmp = dir.resolve(OWNER_FILE + ".tmp");
            Files.writeString(tmp, owner + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(OWNER_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot record owner of {}: {}", dir, e.toString());
        }
    }
}
