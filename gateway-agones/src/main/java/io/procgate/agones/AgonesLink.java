package io.procgate.agones;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.procgate.host.ExitStatus;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import io.procgate.host.Subscription;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway tells the Agones SDK about the one process this GameServer is, and when
 * ({@code shared/specs/agones.md}, section 2):
 *
 * <ul>
 *   <li>Ready once per run, at its first ready line (or once it has been up for start-seconds when
 *       it has no ready pattern);
 *   <li>Health every health-interval while it runs, none while it does not;
 *   <li>Shutdown once it has stopped for good (its restart policy says no, the crash-loop guard
 *       gave up, or it was stopped and not started again within {@link #RESTART_GRACE}), and when
 *       the gateway stops;
 *   <li>a List value added at each join and removed at each leave; at the end of a run every name
 *       still listed is removed;
 *   <li>a label set from the first match of each label pattern in a run.
 * </ul>
 *
 * <p>Events come from the {@link OutputWatcher} on the process's loop and are handed to this
 * link's own loop, where all its state lives and every SDK answer lands. Calls go through one
 * {@link CallLane} per kind.
 */
final class AgonesLink {
    private static final Logger LOG = LoggerFactory.getLogger(AgonesLink.class);

    /**
     * A stop and a start in quick succession (a reload that changed the definition, a restart by
     * hand) is not the end of this GameServer: Shutdown waits this long for a new run.
     */
    static final Duration RESTART_GRACE = Duration.ofSeconds(1);
    /** Join and leave calls kept waiting while the SDK is slow, before more are dropped. */
    static final int MAX_QUEUED_LIST_CALLS = 4096;

    static final int MAX_QUEUED_LABEL_CALLS = 256;

    private enum Phase {
        /** No run of the process is known to be up. */
        DOWN,
        /** A run is up: health pings go out. */
        RUNNING,
        /** The gateway is stopping: Shutdown has been asked for, nothing else goes out. */
        CLOSED
    }

    private final AgonesSettings settings;
    private final EventLoop loop;
    private final ProcessHost host;
    private final CallLane ready;
    private final CallLane health;
    private final CallLane shutdown;
    private final CallLane lists;
    private final CallLane labels;

    private Subscription subscription;
    private Phase phase = Phase.DOWN;
    private long run;
    private boolean readySent;
    private boolean shutdownAsked;
    private final Set<String> listed = new LinkedHashSet<>();
    private ScheduledFuture<?> healthTimer;
    private ScheduledFuture<?> readyTimer;
    private ScheduledFuture<?> pendingShutdown;

    AgonesLink(AgonesSettings settings, EventLoop loop, SdkClient client, ProcessHost host, AgonesMetrics metrics) {
        this.settings = settings;
        this.loop = loop;
        this.host = host;
        SdkFailureLog failures = new SdkFailureLog(client.address());
        Duration backoff = settings.retryBackoff();
        Duration max = settings.retryMaxBackoff();
        this.ready = new CallLane(loop, client::send, failures, metrics, 1, true, backoff, max);
        this.health = new CallLane(loop, client::send, failures, metrics, 0, false, backoff, max);
        this.shutdown = new CallLane(loop, client::send, failures, metrics, 1, true, backoff, max);
        this.lists = new CallLane(loop, client::send, failures, metrics, MAX_QUEUED_LIST_CALLS, true, backoff, max);
        this.labels = new CallLane(loop, client::send, failures, metrics, MAX_QUEUED_LABEL_CALLS, true, backoff, max);
    }

    /** Starts watching the process (before it first starts: the host attaches the subscription early). */
    void open() {
        subscription = host.subscribe(settings.process(), new OutputWatcher(settings, this));
    }

    // ---- events, from the process's loop ----

    void started(long pid) {
        loop.execute(() -> onStarted(pid));
    }

    void readyLine() {
        loop.execute(this::onReadyLine);
    }

    void joined(String player) {
        if (player != null) {
            loop.execute(() -> onJoined(player));
        }
    }

    void left(String player) {
        if (player != null) {
            loop.execute(() -> onLeft(player));
        }
    }

    void label(String key, String value) {
        loop.execute(() -> onLabel(key, value));
    }

    void exited(ExitStatus status) {
        loop.execute(() -> onExited(status));
    }

    // ---- on the link's loop ----

    private void onStarted(long pid) {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.RUNNING;
        run++;
        readySent = false;
        cancel(pendingShutdown);
        pendingShutdown = null;
        ready.discardPending(); // a Ready still retrying was for the run before
        cancel(healthTimer);
        health.offerIfIdle(SdkCall.health());
        long interval = settings.healthInterval().toMillis();
        healthTimer = loop.scheduleAtFixedRate(this::ping, interval, interval, TimeUnit.MILLISECONDS);
        if (settings.readyPattern() == null) {
            long thisRun = run;
            readyTimer = loop.schedule(
                    () -> {
                        if (phase == Phase.RUNNING && run == thisRun) {
                            sendReady();
                        }
                    },
                    settings.startSeconds().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        LOG.info(
                "agones: {} started (pid {}): health pings every {} ms",
                settings.process(),
                pid,
                settings.healthInterval().toMillis());
    }

    private void ping() {
        if (phase == Phase.RUNNING) {
            health.offerIfIdle(SdkCall.health());
        }
    }

    private void onReadyLine() {
        if (phase == Phase.RUNNING) {
            sendReady();
        }
    }

    private void sendReady() {
        if (!readySent) {
            readySent = true;
            LOG.info("agones: {} is ready: Ready", settings.process());
            ready.offer(SdkCall.ready());
        }
    }

    private void onJoined(String player) {
        if (phase == Phase.RUNNING && listed.add(player)) {
            lists.offer(SdkCall.addValue(settings.players().list(), player));
        }
    }

    private void onLeft(String player) {
        if (phase != Phase.CLOSED && listed.remove(player)) {
            lists.offer(SdkCall.removeValue(settings.players().list(), player));
        }
    }

    private void onLabel(String key, String value) {
        if (phase == Phase.RUNNING) {
            labels.offer(SdkCall.setLabel(key, value));
        }
    }

    private void onExited(ExitStatus status) {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.DOWN;
        cancel(healthTimer);
        cancel(readyTimer);
        healthTimer = null;
        readyTimer = null;
        health.discardPending();
        ready.discardPending();
        // Whoever was in the game left with the run.
        for (String player : listed) {
            lists.offer(SdkCall.removeValue(settings.players().list(), player));
        }
        listed.clear();
        if (settings.shutdownOnExit()) {
            // The host decides about a restart after telling its subscribers of the exit; its
            // whenStopped completes once it has.
            host.whenStopped(settings.process()).whenCompleteAsync((v, e) -> afterExit(status), loop);
        }
    }

    private void afterExit(ExitStatus status) {
        if (phase != Phase.DOWN) {
            return;
        }
        ProcessState state =
                host.status(settings.process()).map(ProcessStatus::state).orElse(ProcessState.EXITED);
        if (state == ProcessState.BACKOFF || state.isAlive()) {
            LOG.info("agones: {} ended with {} and will be restarted: no Shutdown", settings.process(), status);
            return;
        }
        String why = state == ProcessState.FAILED ? "the crash-loop guard gave up" : "it is not restarted";
        long thisRun = run;
        pendingShutdown = loop.schedule(
                () -> {
                    if (phase == Phase.DOWN && run == thisRun) {
                        LOG.info("agones: {} ended with {} and {}: Shutdown", settings.process(), status, why);
                        askShutdown();
                    }
                },
                RESTART_GRACE.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void askShutdown() {
        if (!shutdownAsked) {
            shutdownAsked = true;
            shutdown.offer(SdkCall.shutdown());
        }
    }

    /**
     * The gateway stops: no more health pings, Shutdown (unless asked already), and a wait of at
     * most {@code wait} for it to be answered. Call from outside the event loops.
     */
    void close(Duration wait) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            phase = Phase.CLOSED;
            cancel(healthTimer);
            cancel(readyTimer);
            cancel(pendingShutdown);
            health.discardPending();
            ready.discardPending();
            if (shutdownAsked) {
                LOG.info("agones: the gateway stops (Shutdown was asked already)");
            } else {
                LOG.info("agones: the gateway stops: Shutdown");
                askShutdown();
            }
            shutdown.whenIdle().whenComplete((v, e) -> done.complete(null));
        });
        try {
            done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("agones: Shutdown not answered within {}; stopping anyway", wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("agones: Shutdown failed: {}", e.getCause().toString());
        }
        if (subscription != null) {
            subscription.close();
        }
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }
}
