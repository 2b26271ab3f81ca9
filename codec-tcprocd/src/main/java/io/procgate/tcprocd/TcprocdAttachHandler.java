package io.procgate.tcprocd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.net.BoundedLineSender;
import io.procgate.core.net.PeerAddresses;
import io.procgate.host.ExitStatus;
import io.procgate.host.LineSubscriber;
import io.procgate.host.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An attached connection (docs/tcprocd.md, section 6, {@code attach}): every line the client sends
 * (split by the line decoder before this handler, {@code \n} or {@code \r\n} removed) goes to the
 * process's stdin; every line the process prints goes to the client with {@code \n}, through a
 * {@link BoundedLineSender} so that a slow client costs at most {@code attach-buffer} bytes and is
 * told how many lines it missed (lines missed at the very end are announced before the close). When
 * the process exits, what is queued is sent and the connection closed; when the client closes, the
 * subscription ends.
 *
 * <p>A line the process cannot take (its stdin is full) is dropped and logged, once per connection.
 */
final class TcprocdAttachHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(TcprocdAttachHandler.class);

    private final ProcessControl processes;
    private final Caller caller;
    private final String name;
    private final long attachBuffer;

    private Subscription subscription;
    private boolean droppedInput;

    TcprocdAttachHandler(ProcessControl processes, Caller caller, String name, TcprocdSettings settings) {
        this.processes = processes;
        this.caller = caller;
        this.name = name;
        this.attachBuffer = settings.attachBuffer();
    }

    /** The subscriber that streams the process's output to {@code channel}. */
    LineSubscriber subscriber(Channel channel) {
        BoundedLineSender sender = new BoundedLineSender(channel, BoundedLineSender.NEWLINE_TERMINATED, attachBuffer);
        return new LineSubscriber() {
            @Override
            public void onLine(long lineNumber, ByteBuf content) {
                sender.offer(lineNumber, content);
            }

            @Override
            public void onLinesEnd() {
                sender.flushBatch(); // the lines of one pipe read: one write, one flush
            }

            @Override
            public void onExit(ExitStatus status) {
                // No line follows to carry a pending notice: say it now, so the client can cat them.
                sender.announceMissed();
                // Queued after every line already sent: the client gets them all, then the close.
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        };
    }

    /** The subscription made with {@link #subscriber}; closed when the connection ends. */
    void subscribed(Subscription value) {
        this.subscription = value;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
        ControlStatus status = processes.command(caller, name, ByteBufUtil.getBytes(line));
        if (status != ControlStatus.OK && status != ControlStatus.OFFLINE && !droppedInput) {
            // OFFLINE: the process is gone and its exit closes this connection.
            droppedInput = true;
            LOG.warn(
                    "tcprocd: dropping input from attached client {} to {}: {}",
                    PeerAddresses.format(ctx.channel()),
                    name,
                    status);
        }
    }

    /** The client shut its side: that is a detach (a subscription must not outlive its client). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        unsubscribe();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        unsubscribe();
    }

    private void unsubscribe() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }
}
