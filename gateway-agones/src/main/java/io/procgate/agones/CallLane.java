package io.procgate.agones;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The calls of one kind (ready, health, shutdown, list values, labels), made one at a time and in
 * order: never more than one in flight. A call that gets no answer or a 5xx is retried after a
 * delay that doubles from {@code retryBackoff} up to {@code retryMaxBackoff}, until it succeeds or
 * is discarded; one the SDK refuses (4xx) is dropped. Confined to the link's event loop.
 */
final class CallLane {
    private enum State {
        /** Nothing in flight; the queue is empty. */
        IDLE,
        /** The head of the queue has been sent. */
        IN_FLIGHT,
        /** The head failed and waits for its retry. */
        WAITING_TO_RETRY
    }

    private final EventLoop loop;
    private final Function<SdkCall, CompletableFuture<SdkOutcome>> sender;
    private final SdkFailureLog failures;
    private final AgonesMetrics metrics;
    private final int maxQueued;
    private final boolean retries;
    private final Duration retryBackoff;
    private final Duration retryMaxBackoff;

    /** Calls waiting behind the one in flight. */
    private final ArrayDeque<SdkCall> queue = new ArrayDeque<>();

    private State state = State.IDLE;
    private int attempts;
    private ScheduledFuture<?> retry;
    /** Bumped by {@link #discardPending()}, so that the answer to a discarded call changes nothing. */
    private long generation;

    private final ArrayDeque<CompletableFuture<Void>> idleWaiters = new ArrayDeque<>();

    /**
     * @param maxQueued calls kept waiting behind the one in flight; one more is dropped and counted
     * @param retries whether a failed call is retried (health is not: the next ping is its retry)
     */
    CallLane(
            EventLoop loop,
            Function<SdkCall, CompletableFuture<SdkOutcome>> sender,
            SdkFailureLog failures,
            AgonesMetrics metrics,
            int maxQueued,
            boolean retries,
            Duration retryBackoff,
            Duration retryMaxBackoff) {
        this.loop = loop;
        this.sender = sender;
        this.failures = failures;
        this.metrics = metrics;
        this.maxQueued = maxQueued;
        this.retries = retries;
        this.retryBackoff = retryBackoff;
        this.retryMaxBackoff = retryMaxBackoff;
    }

    /** Queues {@code call} behind the others of its kind. */
    void offer(SdkCall call) {
        if (state == State.IDLE) {
            send(call);
        } else if (queue.size() < maxQueued) {
            queue.addLast(call);
        } else {
            metrics.dropped(call);
        }
    }

    /** Makes {@code call} only if none of this kind is queued or in flight; else it is counted as dropped. */
    void offerIfIdle(SdkCall call) {
        if (state == State.IDLE) {
            send(call);
        } else {
            metrics.dropped(call);
        }
    }

    boolean idle() {
        return state == State.IDLE;
    }

    /**
     * Drops the calls not yet answered: the queued ones and one waiting to retry. A call in flight
     * cannot be taken back: the lane stays busy until it is answered, and the answer is then ignored.
     */
    void discardPending() {
        generation++;
        queue.clear();
        if (state == State.WAITING_TO_RETRY) {
            retry.cancel(false);
            retry = null;
            becomeIdle();
        }
    }

    /** Completes once nothing of this kind is queued or in flight. */
    CompletableFuture<Void> whenIdle() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (state == State.IDLE) {
            done.complete(null);
        } else {
            idleWaiters.add(done);
        }
        return done;
    }

    private void send(SdkCall call) {
        state = State.IN_FLIGHT;
        long sentIn = generation;
        sender.apply(call).whenComplete((outcome, error) -> {
            SdkOutcome o = error != null ? SdkOutcome.noAnswer(String.valueOf(error)) : outcome;
            if (loop.inEventLoop()) {
                answered(sentIn, call, o);
            } else {
                loop.execute(() -> answered(sentIn, call, o));
            }
        });
    }

    private void answered(long sentIn, SdkCall call, SdkOutcome outcome) {
        if (outcome.ok()) {
            metrics.outcome(call, "ok");
            failures.succeeded(call);
        } else if (outcome.retryable()) {
            metrics.outcome(call, "failed");
            failures.failing(call, outcome.problem());
        } else {
            metrics.outcome(call, "refused");
            failures.refused(call, outcome.problem());
        }
        if (sentIn == generation && outcome.retryable() && retries) {
            attempts++;
            state = State.WAITING_TO_RETRY;
            retry = loop.schedule(
                    () -> {
                        retry = null;
                        send(call);
                    },
                    delayAfter(attempts).toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        attempts = 0;
        SdkCall next = queue.pollFirst();
        if (next != null) {
            send(next);
        } else {
            becomeIdle();
        }
    }

    /** retry-backoff, doubled for each further failure of the same call, up to retry-max-backoff. */
    private Duration delayAfter(int failures) {
        Duration delay = retryBackoff;
        for (int i = 1; i < failures && delay.compareTo(retryMaxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(retryMaxBackoff) > 0 ? retryMaxBackoff : delay;
    }

    private void becomeIdle() {
        state = State.IDLE;
        attempts = 0;
        while (!idleWaiters.isEmpty()) {
            idleWaiters.pollFirst().complete(null);
        }
    }
}
