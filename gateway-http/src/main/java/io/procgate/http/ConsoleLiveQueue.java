package io.procgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One console's live lines on their way from the process's loop to the console's loop, bounded by
 * {@code gateway.http.console-buffer} (docs/web.md, "Console": 1 MiB queued per connection).
 *
 * <p>{@link ConsoleFeed} frames each line once for all consoles of a process and {@link #offer}s it
 * here as a range of a buffer they share. The accepted lines of one read of the process's pipe queue
 * up as {@link Run}s, retained slices of that buffer (a run of consecutive lines is one slice, no copy
 * per console), until {@link #flush}, which hands the console's loop the whole batch in one task
 * (or at once, when the console is on the process's own loop); {@link ConsoleHandler} writes it and
 * flushes once. A line that would take the bytes handed over and
 * not yet written to the socket above the bound is dropped (except when nothing is pending, so a line
 * longer than the bound still goes out) and recorded in {@link #lastDropped}; the handler sends the
 * {@code missed} frame for it.
 *
 * <p>{@link #offer} and {@link #flush} run on the process's loop, one call at a time; the handler's
 * side ({@link #sent}, {@link #pending}) on the console's loop, hence the atomics.
 */
final class ConsoleLiveQueue {

    /** Consecutive lines {@code first ..first+count-1}, as whole WebSocket frames, one after another. */
    record Run(long first, int count, ByteBuf frames) {}

    /** The console's side: takes a batch on its own loop, releasing every run's frames. */
    interface Sink {
        void deliver(List<Run> runs, long bytes);
    }

    private final Channel channel;
    private final long maxPendingBytes;
    private final Sink sink;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lastDropped = new AtomicLong(-1);
    /** Set once the console has caught up with the history; cleared when it closes. */
    private volatile boolean open;

    // Confined to the process's loop: the batch being gathered.
    private List<Run> runs;
    private ByteBuf runBuffer;
    private int runStart;
    private int runEnd;
    private long runFirst;
    private int runCount;
    private long batchBytes;

    ConsoleLiveQueue(Channel channel, long maxPendingBytes, Sink sink) {
        this.channel = channel;
        this.maxPendingBytes = maxPendingBytes;
        this.sink = sink;
    }

    /** Live lines are let through from now on (before this the history holds them). */
    void open() {
        open = true;
    }

    /** No more live lines: the console is gone. */
    void close() {
        open = false;
    }

    /** Whether a live line now would be taken (else the feed need not frame it for this console). */
    boolean takesLines() {
        return open && channel.isActive();
    }

    /**
     * On the process's loop: queues line {@code n}, {@code length} bytes of {@code shared} from
     * {@code offset} (one whole frame, valid until the end of this read), or drops it past the bound.
     */
    void offer(long n, ByteBuf shared, int offset, int length) {
        long now = pending.get();
        if (now > 0 && now + length > maxPendingBytes) {
            lastDropped.set(n);
            return;
        }
        if (runBuffer != shared || runEnd != offset || runFirst + runCount != n) {
            closeRun();
            runBuffer = shared;
            runStart = offset;
            runFirst = n;
        }
        runEnd = offset + length;
        runCount++;
        pending.addAndGet(length);
        batchBytes += length;
    }

    /** On the process's loop, at the end of a read: hands what this read brought to the console's loop. */
    void flush() {
        closeRun();
        if (runs == null) {
            return;
        }
        List<Run> batch = runs;
        long bytes = batchBytes;
        runs = null;
        batchBytes = 0;
        if (channel.eventLoop().inEventLoop()) {
            // the console shares the process's loop: deliver now, before a state frame that follows
            // (the host ends a read before it reports the exit, and that frame is written at once)
            sink.deliver(batch, bytes);
            return;
        }
        try {
            channel.eventLoop().execute(() -> sink.deliver(batch, bytes));
        } catch (RejectedExecutionException e) {
            // the console's loop is shutting down: nothing will be written
            batch.forEach(run -> run.frames().release());
            sent(bytes);
        }
    }

    private void closeRun() {
        if (runBuffer == null) {
            return;
        }
        if (runs == null) {
            runs = new ArrayList<>(2);
        }
        runs.add(new Run(runFirst, runCount, runBuffer.retainedSlice(runStart, runEnd - runStart)));
        runBuffer = null;
        runCount = 0;
    }

    /** On the console's loop: {@code bytes} handed over have been written (or let go). */
    void sent(long bytes) {
        pending.addAndGet(-bytes);
    }

    /** Bytes handed over and not yet written to the socket. */
    long pending() {
        return pending.get();
    }

    /** The last line dropped past the bound, or -1. */
    long lastDropped() {
        return lastDropped.get();
    }
}
