package io.procgate.tcpr;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.Future;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One authenticated TCPR client as the listener sees it: the lines sent to it, with a bound on what
 * may wait for it. Lines are offered from any thread (process output arrives on the process's
 * event loop, echoes on other clients' loops) and written in offer order on the client's loop,
 * each flushed on its own.
 *
 * <p>Lines wait in a queue drained by one task on the client's loop per burst (not one task per
 * line), and each is written and flushed on its own, so that it leaves in a segment of its own
 * while the client keeps up.
 *
 * <p>Back-pressure: a line that would take the bytes waiting for this client (queued or not yet
 * taken by the socket) over the bound is dropped and counted; the next line that fits is preceded
 * by {@code [gateway] missed N lines}. So a client that does not read costs at most the bound,
 * resumes with the newest output once it reads again, and never slows anyone else.
 */
final class TcprClient {
    /** How long the shutdown line may take to leave before the connection is closed anyway. */
    private static final long SHUTDOWN_LINGER_MILLIS = 2000;

    /** Upper bound of what a line adds to its content on the wire: prefix and {@code \r\n}. */
    private static final int LINE_OVERHEAD = TcprConstants.TIMESTAMP_PREFIX_LENGTH + 2;

    private final Channel channel;
    private final String peer;
    private final long maxPendingBytes;
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicBoolean ending = new AtomicBoolean();
    /** Lines dropped since the last one sent; guarded by {@code this}. */
    private long missed;
    /** Lines accepted, not yet handed to the channel; guarded by {@code this}. */
    private final ArrayDeque<TcprLine> queue = new ArrayDeque<>();
    /** Whether a drain task is on its way; guarded by {@code this}. */
    private boolean drainScheduled;

    TcprClient(Channel channel, String peer, long maxPendingBytes) {
        this.channel = channel;
        this.peer = peer;
        this.maxPendingBytes = maxPendingBytes;
    }

    Channel channel() {
        return channel;
    }

    /** The client's address as KAG prints it: {@code 1.2.3.4:5} or {@code [::1]:5}. */
    String peer() {
        return peer;
    }

    /** Bytes waiting for this client (for tests and metrics). */
    long pendingBytes() {
        return pendingBytes.get();
    }

    /** Queues {@code line} for the client, or drops it when the client is too far behind. Takes ownership. */
    void send(TcprLine line) {
        long size = sizeOf(line);
        synchronized (this) {
            if (ending.get()) {
                line.release();
                return;
            }
            if (missed > 0) {
                TcprLine notice = TcprLine.of(
                        line.time(), TcprConstants.MISSED_BEFORE + missed + TcprConstants.MISSED_AFTER);
                long noticeSize = sizeOf(notice);
                if (!reserve(noticeSize + size)) {
                    missed++;
                    notice.release();
                    line.release();
                    return;
                }
                missed = 0;
                enqueue(notice);
            } else if (!reserve(size)) {
                missed++;
                line.release();
                return;
            }
            enqueue(line);
        }
    }

    /**
     * Sends the shutdown line after everything queued, then closes; once. Returns false if the
     * session was already ending.
     */
    boolean shutdown(LocalTime time) {
        if (!markEnding()) {
            return false;
        }
        try {
            channel.eventLoop().execute(() -> {
                ChannelFuture written = channel.writeAndFlush(new TcprShutdown(time));
                // a client that does not read must not hold the connection open
                Future<?> deadline = channel.eventLoop()
                        .schedule(() -> channel.close(), SHUTDOWN_LINGER_MILLIS, TimeUnit.MILLISECONDS);
                written.addListener(f -> {
                    deadline.cancel(false);
                    channel.close();
                });
            });
        } catch (RejectedExecutionException e) {
            channel.close();
        }
        return true;
    }

    /** Marks the session as ending without sending anything (the caller sends the shutdown line). */
    boolean markEnding() {
        // under the lock, so that no line accepted by send() can be queued behind the shutdown line
        synchronized (this) {
            return ending.compareAndSet(false, true);
        }
    }

    /** At least one line may always wait, however long, so that a long line is never refused alone. */
    private boolean reserve(long size) {
        for (; ; ) {
            long pending = pendingBytes.get();
            if (pending > 0 && pending + size > maxPendingBytes) {
                return false;
            }
            if (pendingBytes.compareAndSet(pending, pending + size)) {
                return true;
            }
        }
    }

    /** Queues an accepted line and makes sure a drain is on its way; called holding the lock. */
    private void enqueue(TcprLine line) {
        queue.add(line);
        if (drainScheduled) {
            return;
        }
        drainScheduled = true;
        try {
            channel.eventLoop().execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the gateway is stopping: nothing will be written any more
            drainScheduled = false;
            for (TcprLine queued; (queued = queue.poll()) != null; ) {
                pendingBytes.addAndGet(-sizeOf(queued));
                queued.release();
            }
        }
    }

    /** On the client's loop: hands every queued line to the channel, one write and flush each. */
    private void drain() {
        TcprLine[] batch;
        synchronized (this) {
            batch = queue.toArray(new TcprLine[0]);
            queue.clear();
            drainScheduled = false;
        }
        for (TcprLine line : batch) {
            long size = sizeOf(line);
            channel.writeAndFlush(line).addListener(f -> pendingBytes.addAndGet(-size));
        }
    }

    private static long sizeOf(TcprLine line) {
        return (long) line.content().readableBytes() + LINE_OVERHEAD;
    }
}
