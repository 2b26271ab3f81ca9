package io.procgate.pcp;

import io.netty.buffer.Unpooled;
import io.procgate.core.auth.Authenticator;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.host.ExitStatus;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import io.procgate.host.Signals;
import io.procgate.host.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link ProcessControl} for protocol tests: "processes" that echo every stdin line into
 * their history. A command starting with {@code missing} fails to start, like a missing program.
 */
final class FakeProcessControl implements ProcessControl, Authenticator {
    static final String USER = "cabinet";

    final List<String> audit = new CopyOnWriteArrayList<>();
    private final Map<String, Proc> procs = new TreeMap<>();
    private long nextPid = 4242;
    volatile String startError = "no such file";
    volatile long deleted;

    private static final class Proc {
        String owner;
        ProcessState state = ProcessState.RUNNING;
        long pid;
        ExitStatus exit;
        String error;
        final List<String> lines = new ArrayList<>();
    }

    @Override
    public Optional<User> authenticate(String name, byte[] password) {
        return lookup(name);
    }

    @Override
    public Optional<User> lookup(String name) {
        return name.equals(USER) ? Optional.of(new User(USER, null, false, null)) : Optional.empty();
    }

    synchronized void addForeign(String name) {
        Proc p = new Proc();
        p.owner = "someone-else";
        p.pid = nextPid++;
        procs.put(name, p);
    }

    synchronized void addLines(String name, int count) {
        for (int i = 0; i < count; i++) {
            procs.get(name).lines.add("line " + i);
        }
    }

    synchronized void exit(String name, ExitStatus exit) {
        Proc p = procs.get(name);
        p.state = ProcessState.EXITED;
        p.exit = exit;
    }

    private ControlStatus check(Caller caller, String name, boolean mustRun) {
        if (!ProcessControl.isValidName(name)) {
            return ControlStatus.ERROR;
        }
        Proc p = procs.get(name);
        if (p == null) {
            return ControlStatus.OFFLINE;
        }
        if (!p.owner.equals(caller.user().name())) {
            return ControlStatus.PERMISSION_DENIED;
        }
        if (mustRun && !p.state.isAlive()) {
            return ControlStatus.OFFLINE;
        }
        return ControlStatus.OK;
    }

    @Override
    public synchronized List<String> list(Caller caller) {
        List<String> names = new ArrayList<>();
        procs.forEach((n, p) -> {
            if (p.owner.equals(caller.user().name()) && p.state.isAlive()) {
                names.add(n);
            }
        });
        return names;
    }

    @Override
    public synchronized CompletionStage<ControlStatus> start(
            Caller caller, String name, String commandLine, String path) {
        audit.add("start " + name + " [" + commandLine + "] in " + path + " by " + caller.protocol());
        Proc p = procs.get(name);
        if (p != null && !p.owner.equals(caller.user().name())) {
            return CompletableFuture.completedFuture(ControlStatus.PERMISSION_DENIED);
        }
        if (p != null && p.state.isAlive()) {
            return CompletableFuture.completedFuture(ControlStatus.EXISTS);
        }
        if (p == null) {
            p = new Proc();
            p.owner = caller.user().name();
            procs.put(name, p);
        }
        if (commandLine.startsWith("missing")) {
            p.state = ProcessState.EXITED;
            p.error = startError;
            // completes later, on another thread, as the real host does
            return CompletableFuture.supplyAsync(() -> ControlStatus.UNKNOWN);
        }
        p.state = ProcessState.RUNNING;
        p.pid = nextPid++;
        p.error = null;
        return CompletableFuture.supplyAsync(() -> ControlStatus.OK);
    }

    @Override
    public synchronized CompletionStage<ControlStatus> kill(Caller caller, String name) {
        ControlStatus s = check(caller, name, true);
        if (s == ControlStatus.OK) {
            Proc p = procs.get(name);
            p.state = ProcessState.EXITED;
            p.exit = ExitStatus.ofSignal(Signals.SIGKILL);
        }
        return CompletableFuture.completedFuture(s);
    }

    @Override
    public synchronized ControlStatus command(Caller caller, String name, byte[] line) {
        ControlStatus s = check(caller, name, true);
        if (s == ControlStatus.OK) {
            procs.get(name).lines.add(new String(line, StandardCharsets.UTF_8));
        }
        return s;
    }

    @Override
    public synchronized Outcome<HistorySlice> cat(Caller caller, String name, long fromLine, long maxBytes) {
        ControlStatus s = check(caller, name, false);
        if (s != ControlStatus.OK) {
            return Outcome.of(s);
        }
        List<String> lines = procs.get(name).lines;
        long first = Math.max(fromLine, deleted);
        StringBuilder sb = new StringBuilder();
        long count = 0;
        for (long i = first; i < lines.size(); i++, count++) {
            sb.append(lines.get((int) i)).append('\n');
        }
        if (count == 0) {
            first = Math.max(fromLine, lines.size());
        }
        return Outcome.ok(
                new HistorySlice(fromLine, first, count, Unpooled.copiedBuffer(sb.toString(), StandardCharsets.UTF_8)));
    }

    @Override
    public synchronized Outcome<ProcessStatus> status(Caller caller, String name) {
        ControlStatus s = check(caller, name, false);
        if (s != ControlStatus.OK) {
            return Outcome.of(s);
        }
        Proc p = procs.get(name);
        return Outcome.ok(new ProcessStatus(
                name,
                p.state,
                p.state.isAlive() ? p.pid : -1,
                p.exit,
                p.lines.size(),
                p.owner,
                p.error,
                Instant.now(),
                0));
    }

    @Override
    public Outcome<Subscription> attach(Caller caller, String name, LineSubscriber subscriber) {
        return Outcome.of(ControlStatus.UNKNOWN);
    }

    @Override
    public synchronized List<ProcessStatus> statuses(Caller caller) {
        List<ProcessStatus> out = new ArrayList<>();
        for (String name : procs.keySet()) {
            Outcome<ProcessStatus> s = status(caller, name);
            if (s.isOk()) {
                out.add(s.value());
            }
        }
        return out;
    }

    @Override
    public CompletionStage<ControlStatus> forceKill(Caller caller, String name) {
        return kill(caller, name);
    }

    @Override
    public synchronized CompletionStage<ControlStatus> restart(Caller caller, String name) {
        ControlStatus s = check(caller, name, false);
        if (s == ControlStatus.OK) {
            Proc p = procs.get(name);
            p.state = ProcessState.RUNNING;
            p.pid = nextPid++;
        }
        return CompletableFuture.completedFuture(s);
    }

    @Override
    public Outcome<Subscription> watch(Caller caller, String name, LineSubscriber subscriber) {
        return Outcome.of(ControlStatus.UNKNOWN);
    }
}
