package io.procgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.net.PeerAddresses;
import io.procgate.host.ExitStatus;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessStats;
import io.procgate.host.ProcessStatus;
import io.procgate.host.Subscription;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One console WebSocket (docs/web.md, "Console"): the process's lines from {@code from} on, first
 * from the history, then live, with no number skipped or repeated; state frames on every change; input
 * frames to stdin.
 *
 * <p>How history and live output join without a gap: the console joins its process's {@link
 * ConsoleFeed} first, then the history is read from {@code from} on this channel's loop, paced by
 * the socket's writability ({@link Mode#CATCH_UP}); live lines meanwhile are not taken, since the
 * host writes a line to the history before it hands it to subscribers, so the history holds them.
 * When a read finds nothing more, live lines are let through ({@link ConsoleLiveQueue#open}), the
 * history is read once more for lines that arrived in between, and then the stream is {@link
 * Mode#LIVE}: a live line below {@code next} was sent from the history already and is skipped.
 *
 * <p>Live lines come encoded once for every console of the process, as whole WebSocket frames in a
 * buffer they share; the lines of one read of the process's pipe arrive here as one batch, written
 * with one flush. Bytes handed over and not yet written to the socket are bounded by {@code
 * gateway.http.console-buffer} ({@link ConsoleLiveQueue}): a line beyond it is dropped there, and
 * the client gets {@code {"t":"missed","from":A,"to":B}} before the next line it does get (or once
 * the queue has drained), as tcprocd's attach does; it can fetch those lines with {@code /lines}.
 *
 * <p>Closes: 1008 when the session ends (by {@link WebSessions}), 1003 on a binary frame, 1009 on a
 * message over {@code gateway.http.max-frame}, 1011 on an unexpected failure (logged).
 */
final class ConsoleHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);
    /** How much history one catch-up read takes. */
    static final long CATCH_UP_BYTES = 64 * 1024;
    /** How often the process's state is compared with what the client was told last. */
    static final long STATE_CHECK_MILLIS = 250;

    private enum Mode {
        CATCH_UP,
        LIVE
    }

    private final ProcessControl processes;
    private final WebSessions sessions;
    private final WebSession session;
    private final Caller caller;
    private final String name;
    private final long bufferBytes;
    private final ConsoleFeeds feeds;

    private volatile Channel channel;

    // Confined to this channel's loop.
    private Mode mode = Mode.CATCH_UP;
    /** Whether live lines are let through yet (the history is read once more after). */
    private boolean live;

    private long next;
    private Subscription subscription;
    private ConsoleLiveQueue queue;
    private ConsoleFeed feed;
    private ScheduledFuture<?> stateCheck;
    private String lastState;

    ConsoleHandler(
            ProcessControl processes,
            WebSessions sessions,
            WebSession session,
            Caller caller,
            String name,
            long bufferBytes,
            ConsoleFeeds feeds) {
        this.processes = processes;
        this.sessions = sessions;
        this.session = session;
        this.caller = caller;
        this.name = name;
        this.bufferBytes = bufferBytes;
        this.feeds = feeds;
    }

    /**
     * Starts the stream, once the handshake is done, on the channel's loop.
     *
     * @param from the first line to send; negative: that many of the last lines; null: the next new one
     */
    void start(Channel ch, Long from) {
        this.channel = ch;
        Outcome<Subscription> watched = processes.watch(caller, name, subscriber());
        if (!watched.isOk()) {
            close(
                    watched.status() == ControlStatus.PERMISSION_DENIED
                            ? WebSocketCloseStatus.POLICY_VIOLATION
                            : WebSocketCloseStatus.INTERNAL_SERVER_ERROR,
                    "cannot watch " + name + ": " + watched.status());
            return;
        }
        subscription = watched.value();
        queue = new ConsoleLiveQueue(ch, bufferBytes, this::deliver);
        feed = feeds.join(name, queue);
        long end = currentEnd();
        if (from == null) {
            next = end;
        } else if (from < 0) {
            next = Math.max(0, end + from);
        } else {
            next = from;
        }
        checkState();
        stateCheck = ch.eventLoop()
                .scheduleAtFixedRate(this::tick, STATE_CHECK_MILLIS, STATE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        catchUp();
    }

    private long currentEnd() {
        Outcome<ProcessStatus> status = processes.status(caller, name);
        return status.isOk() ? status.value().nextLine() : 0;
    }

    /** The console's own subscription: state and figures (its lines come through the feed). */
    private LineSubscriber subscriber() {
        return new LineSubscriber() {
            @Override
            public void onLine(long lineNumber, ByteBuf content) {
                // the process's feed frames it once for every console
            }

            @Override
            public void onStart(long pid) {
                onLoop(ConsoleHandler.this::checkState);
            }

            @Override
            public void onExit(ExitStatus status) {
                onLoop(ConsoleHandler.this::checkState);
            }

            @Override
            public void onStats(ProcessStats stats) {
                onLoop(() -> sendStats(stats));
            }
        };
    }

    private void onLoop(Runnable task) {
        Channel ch = channel;
        if (ch.eventLoop().inEventLoop()) {
            task.run();
        } else {
            ch.eventLoop().execute(task);
        }
    }

    /**
     * On this channel's loop: one read's live lines (consecutive runs, gaps where lines were dropped
     * past the bound), written as they came framed, with one flush; lines below {@code next} were
     * sent from the history already.
     */
    private void deliver(List<ConsoleLiveQueue.Run> runs, long bytes) {
        ChannelFuture last = null;
        for (ConsoleLiveQueue.Run run : runs) {
            ByteBuf frames = run.frames();
            long end = run.first() + run.count();
            if (mode != Mode.LIVE || end <= next || !channel.isActive()) {
                frames.release();
                continue;
            }
            for (long n = run.first(); n < next; n++) {
                frames.skipBytes(ConsoleWireFrames.frameLength(frames));
            }
            long first = Math.max(run.first(), next);
            if (first > next) {
                channel.write(ConsoleFrames.missed(channel.alloc(), next, first));
            }
            next = end;
            last = channel.write(frames);
        }
        if (last == null) {
            queue.sent(bytes);
            return;
        }
        channel.flush();
        last.addListener(f -> {
            queue.sent(bytes);
            announceDropped();
        });
    }

    /**
     * The live figures, when the socket takes them: a figure that cannot be written now is dropped,
     * the next interval brings a fresh one (they do not count toward the console's buffer).
     */
    private void sendStats(ProcessStats stats) {
        Channel ch = channel;
        if (ch != null && ch.isActive() && ch.isWritable()) {
            ch.writeAndFlush(ConsoleFrames.stats(ch.alloc(), stats));
        }
    }

    /** Lines were dropped and none has followed: say so once nothing of ours is queued. */
    private void announceDropped() {
        long dropped = queue.lastDropped();
        if (mode == Mode.LIVE && queue.pending() == 0 && dropped >= next && channel.isActive()) {
            channel.writeAndFlush(ConsoleFrames.missed(channel.alloc(), next, dropped + 1));
            next = dropped + 1;
        }
    }

    /** Sends history from {@code next} while the socket takes it; switches to live at the end. */
    private void catchUp() {
        while (mode == Mode.CATCH_UP && channel.isActive() && channel.isWritable()) {
            Outcome<HistorySlice> read = processes.cat(caller, name, next, CATCH_UP_BYTES);
            if (read.status() == ControlStatus.PERMISSION_DENIED) {
                close(WebSocketCloseStatus.POLICY_VIOLATION, "not permitted");
                return;
            }
            if (!read.isOk() || read.value().lineCount() == 0) {
                if (read.isOk()) {
                    read.value().release();
                }
                if (!live) {
                    live = true;
                    queue.open(); // and read once more: lines may have come in between
                    continue;
                }
                mode = Mode.LIVE;
                channel.flush();
                return;
            }
            HistorySlice slice = read.value();
            try {
                if (slice.firstLine() > next) {
                    channel.write(ConsoleFrames.missed(channel.alloc(), next, slice.firstLine()));
                    next = slice.firstLine();
                }
                long sent = SliceLines.forEach(slice, (n, content) -> {
                    channel.write(ConsoleFrames.line(channel.alloc(), n, content));
                    return true;
                });
                next = slice.firstLine() + sent;
            } finally {
                slice.release();
            }
            channel.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && mode == Mode.CATCH_UP && channel != null) {
            catchUp();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void tick() {
        if (session.ended()) {
            close(session.closeStatus(), "session ended");
            return;
        }
        checkState();
        announceDropped();
    }

    private void checkState() {
        if (!channel.isActive()) {
            return;
        }
        Outcome<ProcessStatus> status = processes.status(caller, name);
        String key = status.isOk() ? key(status.value()) : "never-run";
        if (key.equals(lastState)) {
            return;
        }
        lastState = key;
        channel.writeAndFlush(
                status.isOk()
                        ? ConsoleFrames.state(channel.alloc(), status.value())
                        : ConsoleFrames.neverRun(channel.alloc()));
    }

    private static String key(ProcessStatus s) {
        return s.state() + " " + s.pid() + " " + s.lastExit();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            input(ctx, text);
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
        } else if (frame instanceof BinaryWebSocketFrame) {
            close(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "text frames only");
        }
        // a pong needs no answer
    }

    private void input(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        if (sessions.use(session.id()).isEmpty()) {
            close(session.closeStatus(), "session ended");
            return;
        }
        byte[] line;
        try {
            line = ConsoleInput.parse(frame.content());
        } catch (ApiError e) {
            ctx.writeAndFlush(ConsoleFrames.error(ctx.alloc(), e.getMessage(), null));
            return;
        }
        ControlStatus result = processes.command(caller, name, line);
        if (result != ControlStatus.OK) {
            String why = switch (result) {
                case OFFLINE -> name + " is not running";
                case PERMISSION_DENIED -> "not permitted";
                case UNKNOWN -> name + " does not read its input fast enough; line dropped";
                default -> "input refused";
            };
            ctx.writeAndFlush(ConsoleFrames.error(ctx.alloc(), why, result.name()));
        }
    }

    private void close(WebSocketCloseStatus status, String reason) {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new CloseWebSocketFrame(status.code(), reason)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (channel == null) {
            channel = ctx.channel();
        }
        if (cause instanceof TooLongFrameException) {
            close(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over the size limit");
        } else if (cause instanceof CorruptedWebSocketFrameException || cause instanceof IOException) {
            LOG.debug("http: console of {} from {}: {}", name, PeerAddresses.format(ctx.channel()), cause.toString());
            ctx.close(); // the frame decoder has answered a protocol violation already
        } else {
            LOG.error("http: console of {} from {} failed", name, PeerAddresses.format(ctx.channel()), cause);
            close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        if (queue != null) {
            queue.close(); // batches handed over already are released by deliver: the channel is closed
            feed.remove(queue);
        }
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        if (stateCheck != null) {
            stateCheck.cancel(false);
            stateCheck = null;
        }
    }
}
