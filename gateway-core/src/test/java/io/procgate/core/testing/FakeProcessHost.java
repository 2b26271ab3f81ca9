package io.procgate.core.testing;

import io.netty.buffer.Unpooled;
import io.procgate.host.ExitStatus;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import io.procgate.host.StartResult;
import io.procgate.host.StdinResult;
import io.procgate.host.StopResult;
import io.procgate.host.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory {@link ProcessHost} that runs nothing: starts mark a name running, stops mark it
 * exited. A command starting with {@code /nonexistent} fails; with {@link #refuseRoot} set, a spec
 * without run-as is refused as root. Records specs and stdin lines for assertions.
 */
public class FakeProcessHost implements ProcessHost {
    public volatile boolean refuseRoot;
    public volatile boolean closed;
    public final Map<String, ProcessSpec> specs = new ConcurrentHashMap<>();
    public final List<String> stdin = new ArrayList<>();
    private final Map<String, ProcessStatus> statuses = new TreeMap<>();
    private final AtomicLong pids = new AtomicLong(1000);

    @Override
    public synchronized CompletableFuture<StartResult> start(
            String name, ProcessSpec spec, String owner, io.procgate.host.Supervision supervision) {
        ProcessStatus s = statuses.get(name);
        if (s != null && s.running()) {
            return CompletableFuture.completedFuture(StartResult.exists());
        }
        if (refuseRoot && spec.runAs() == null) {
            return CompletableFuture.completedFuture(StartResult.refusedRoot());
        }
        specs.put(name, spec);
        long next = s == null ? 0 : s.nextLine();
        if (spec.argv().get(0).startsWith("/nonexistent")) {
            statuses.put(
                    name,
                    new ProcessStatus(
                            name, ProcessState.EXITED, -1, null, next, owner, "no such file", Instant.now(), 0));
            return CompletableFuture.completedFuture(StartResult.failed("no such file"));
        }
        long pid = pids.incrementAndGet();
        statuses.put(
                name, new ProcessStatus(name, ProcessState.RUNNING, pid, null, next, owner, null, Instant.now(), 0));
        return CompletableFuture.completedFuture(StartResult.started(pid));
    }

    /** Marks a running process exited, as if it ended by itself. */
    public synchronized void exit(String name) {
        ProcessStatus s = statuses.get(name);
        statuses.put(
                name,
                new ProcessStatus(
                        name,
                        ProcessState.EXITED,
                        -1,
                        new ExitStatus(0, 0),
                        s.nextLine(),
                        s.owner(),
                        null,
                        Instant.now(),
                        0));
    }

    @Override
    public synchronized CompletableFuture<StopResult> stop(String name) {
        ProcessStatus s = statuses.get(name);
        if (s == null || !s.running()) {
            return CompletableFuture.completedFuture(StopResult.NOT_RUNNING);
        }
        exit(name);
        return CompletableFuture.completedFuture(StopResult.STOPPING);
    }

    @Override
    public CompletableFuture<StopResult> kill(String name) {
        return stop(name);
    }

    @Override
    public synchronized CompletableFuture<StartResult> restart(String name) {
        ProcessStatus s = statuses.get(name);
        if (s == null) {
            return CompletableFuture.completedFuture(StartResult.failed(StartResult.NEVER_STARTED));
        }
        stop(name);
        return start(name, specs.get(name), s.owner());
    }

    @Override
    public CompletableFuture<Void> whenStopped(String name) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized List<ProcessStatus> list() {
        return List.copyOf(statuses.values());
    }

    @Override
    public synchronized Optional<ProcessStatus> status(String name) {
        return Optional.ofNullable(statuses.get(name));
    }

    @Override
    public synchronized StdinResult writeStdin(String name, byte[] line) {
        ProcessStatus s = statuses.get(name);
        if (s == null || !s.running()) {
            return StdinResult.NOT_RUNNING;
        }
        stdin.add(name + ":" + new String(line, java.nio.charset.StandardCharsets.UTF_8));
        return StdinResult.WRITTEN;
    }

    @Override
    public synchronized Optional<HistorySlice> read(String name, long fromLine, long maxBytes) {
        ProcessStatus s = statuses.get(name);
        if (s == null) {
            return Optional.empty();
        }
        return Optional.of(new HistorySlice(fromLine, fromLine, 0, Unpooled.EMPTY_BUFFER));
    }

    @Override
    public Subscription subscribe(String name, LineSubscriber subscriber) {
        return () -> {};
    }

    @Override
    public void close() {
        closed = true;
    }
}
