package io.procgate.core;

import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStatus;
import io.procgate.host.StartResult;
import io.procgate.host.StdinResult;
import io.procgate.host.StopResult;
import io.procgate.host.Subscription;
import io.procgate.host.Supervision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The process host as plugins see it while the gateway starts: plugins build their listeners
 * before the real host opens the data directory (so that a second gateway that cannot bind its
 * ports never touches the first one's histories), and get this stand-in, which delegates once the
 * host is set. No connection is accepted before that.
 *
 * <p>A subscription made before the host is set (a plugin that watches a process from the start,
 * such as the Agones link) is kept and attached when the host is set, before any configured process
 * starts, so that it sees the first run's start and every line of it.
 */
final class DeferredProcessHost implements ProcessHost {
    private volatile ProcessHost target;
    /** Subscriptions made before {@link #set}; guarded by this object. */
    private final List<EarlySubscription> early = new ArrayList<>();

    void set(ProcessHost host) {
        synchronized (this) {
            this.target = host;
            for (EarlySubscription s : early) {
                s.attach(host);
            }
            early.clear();
        }
    }

    ProcessHost target() {
        ProcessHost t = target;
        if (t == null) {
            throw new IllegalStateException("the process host is not started yet");
        }
        return t;
    }

    @Override
    public CompletableFuture<StartResult> start(String name, ProcessSpec spec, String owner) {
        return target().start(name, spec, owner);
    }

    @Override
    public CompletableFuture<StartResult> start(String name, ProcessSpec spec, String owner, Supervision supervision) {
        return target().start(name, spec, owner, supervision);
    }

    @Override
    public CompletableFuture<StopResult> stop(String name) {
        return target().stop(name);
    }

    @Override
    public CompletableFuture<StopResult> kill(String name) {
        return target().kill(name);
    }

    @Override
    public CompletableFuture<StartResult> restart(String name) {
        return target().restart(name);
    }

    @Override
    public CompletableFuture<Void> whenStopped(String name) {
        return target().whenStopped(name);
    }

    @Override
    public List<ProcessStatus> list() {
        return target().list();
    }

    @Override
    public Optional<ProcessStatus> status(String name) {
        return target().status(name);
    }

    @Override
    public StdinResult writeStdin(String name, byte[] line) {
        return target().writeStdin(name, line);
    }

    @Override
    public Optional<HistorySlice> read(String name, long fromLine, long maxBytes) {
        return target().read(name, fromLine, maxBytes);
    }

    @Override
    public Subscription subscribe(String name, LineSubscriber subscriber) {
        synchronized (this) {
            if (target == null) {
                EarlySubscription s = new EarlySubscription(name, subscriber);
                early.add(s);
                return s;
            }
        }
        return target.subscribe(name, subscriber);
    }

    /** A subscription waiting for the host; guarded by the enclosing host's lock. */
    private final class EarlySubscription implements Subscription {
        private final String name;
        private final LineSubscriber subscriber;
        private Subscription attached;
        private boolean closed;

        EarlySubscription(String name, LineSubscriber subscriber) {
            this.name = name;
            this.subscriber = subscriber;
        }

        void attach(ProcessHost host) {
            attached = host.subscribe(name, subscriber);
        }

        @Override
        public void close() {
            Subscription toClose;
            synchronized (DeferredProcessHost.this) {
                if (closed) {
                    return;
                }
                closed = true;
                early.remove(this);
                toClose = attached;
            }
            if (toClose != null) {
                toClose.close();
            }
        }
    }

    @Override
    public void close() {
        ProcessHost t = target;
        if (t != null) {
            t.close();
        }
    }
}
