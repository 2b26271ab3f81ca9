package io.procgate.tcpr;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.procgate.core.net.BoundedLineSender;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One authenticated TCPR client as the listener sees it: every line for it goes through one
 * {@link BoundedLineSender}, whatever thread it comes from (process output on the process's loop,
 * command echoes on the sending client's loop, the gateway's own replies), so that a client that
 * does not read costs at most {@code client-buffer} bytes, is told {@code [gateway] missed N lines}
 * and resumes with the newest output, while the others go on unaffected.
 *
 * <p>The sender allows one call at a time; this class serializes them with its own lock. The
 * gateway's own lines are written and flushed on their own; the process's output comes framed by
 * the listener, shared with the other clients, and goes out one write per read of the process's
 * pipe (tcpr spec, section 2.4).
 */
final class TcprClient {
    /**
     * How long the shutdown line may wait while nothing queued for the client leaves, before the
     * connection is closed anyway.
     */
    private static final long SHUTDOWN_LINGER_MILLIS = 2000;

    /** Passed as the line number of lines that are not process output (the format ignores it). */
    private static final long NOT_OUTPUT = -1;

    private final Channel channel;
    private final String peer;
    private final BoundedLineSender sender;
    private final TcprNewline newline;
    private final AtomicBoolean ending = new AtomicBoolean();

    TcprClient(Channel channel, String peer, long maxPendingBytes, TcprLineFormat format) {
        this.channel = channel;
        this.peer = peer;
        this.sender = new BoundedLineSender(channel, format, maxPendingBytes);
        this.newline = format.newline();
    }

    /** The newline of this session, which its shared output lines are framed with. */
    TcprNewline newline() {
        return newline;
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
        return sender.pendingBytes();
    }

    /** Lines this client missed so far. */
    long missedTotal() {
        return sender.missedTotal();
    }

    /** A line of the process's output; {@code content} is read during the call, not kept. */
    synchronized void output(long lineNumber, ByteBuf content) {
        if (!ending.get()) {
            sender.send(lineNumber, content);
        }
    }

    /**
     * A line of the process's output, already framed for this session by the listener: {@code
     * length} bytes of {@code shared} from {@code offset}, shared with the other clients. It is sent
     * with the rest of its read at {@link #flushBatch}.
     */
    synchronized void offer(long lineNumber, ByteBuf shared, int offset, int length) {
        if (!ending.get()) {
            sender.offer(lineNumber, shared, offset, length);
        }
    }

    /** The end of a read of the process's output: what it brought this client goes out, in one write. */
    synchronized void flushBatch() {
        if (!ending.get()) {
            sender.flushBatch();
        }
    }

    /** A line the gateway says itself. */
    void text(String text) {
        ByteBuf content = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
        try {
            output(NOT_OUTPUT, content);
        } finally {
            content.release();
        }
    }

    /** Lines dropped just before the end are announced before the shutdown line. */
    private synchronized void announceMissed() {
        if (!ending.get()) {
            sender.announceMissed();
        }
    }

    /** The two lines that tell who sent what, kept together: no output line comes between them. */
    synchronized void echo(ByteBuf header, ByteBuf command) {
        if (!ending.get()) {
            sender.send(NOT_OUTPUT, header);
            sender.send(NOT_OUTPUT, command);
        }
    }

    /**
     * Sends the shutdown line after everything written so far, then closes; once. Returns false if
     * the session was already ending.
     */
    boolean shutdown(LocalTime time) {
        announceMissed();
        if (!markEnding()) {
            return false;
        }
        try {
            channel.eventLoop().execute(() -> {
                ChannelFuture written = channel.writeAndFlush(new TcprShutdown(time));
                written.addListener(f -> channel.close());
                closeIfStalled(written, sender.pendingBytes());
            });
        } catch (RejectedExecutionException e) {
            channel.close();
        }
        return true;
    }

    /**
     * A client that does not read must not hold the connection open, but one that reads, however
     * slowly, gets everything before the shutdown line: closed only when nothing of what was queued
     * for it left in a whole linger period.
     */
    private void closeIfStalled(ChannelFuture written, long pendingBefore) {
        channel.eventLoop()
                .schedule(
                        () -> {
                            long pendingNow = sender.pendingBytes();
                            if (written.isDone()) {
                                return;
                            }
                            if (pendingNow >= pendingBefore) {
                                channel.close();
                            } else {
                                closeIfStalled(written, pendingNow);
                            }
                        },
                        SHUTDOWN_LINGER_MILLIS,
                        TimeUnit.MILLISECONDS);
    }

    /**
     * Marks the session as ending: no line is accepted any more. Under the lock, so that no line
     * can be written behind the shutdown line. Returns false if it was already ending.
     */
    synchronized boolean markEnding() {
        if (!ending.compareAndSet(false, true)) {
            return false;
        }
        sender.discardBatch(); // nothing may follow the shutdown line; a closed channel takes nothing
        return true;
    }
}
