package io.procgate.core.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a listener's own channel: when accepting fails (out of file descriptors, EMFILE/ENFILE, or
 * out of memory for a socket), stops accepting for {@link #PAUSE_MILLIS} instead of retrying at
 * once (the listening socket stays readable, so a level-triggered loop would spin), logs once when
 * a burst of failures begins and once when it is over (accepting worked for {@link #QUIET_MILLIS}
 * without a failure), and never closes the listener. Connections that arrive meanwhile wait in the kernel's backlog.
 *
 * <p>Not shared: one per listener, state on its loop.
 */
public final class AcceptPause extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptPause.class);
    /** How long accepting pauses after a failed accept. */
    public static final long PAUSE_MILLIS = 1_000;

    private final String protocol;
    /** How long accepting must work without a failure before a burst counts as over. */
    public static final long QUIET_MILLIS = 5_000;

    /** Failed accepts in the current burst; 0 while accepting works. */
    private long failures;

    private long lastFailureNanos;
    private boolean endCheckScheduled;

    /** @param protocol the listener's protocol, for log lines */
    public AcceptPause(String protocol) {
        this.protocol = protocol;
    }

    private String listener(ChannelHandlerContext ctx) {
        return protocol + " on " + PeerAddresses.format(ctx.channel().localAddress());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        if (failures > 0 && !endCheckScheduled) {
            // One accept worked: the burst is over once no failure follows for QUIET_MILLIS (a
            // limit just reached frees and takes descriptors back and forth).
            endCheckScheduled = true;
            ctx.channel().eventLoop().schedule(() -> checkBurstOver(ctx), QUIET_MILLIS, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(child);
    }

    private void checkBurstOver(ChannelHandlerContext ctx) {
        long quietFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastFailureNanos);
        if (quietFor >= QUIET_MILLIS) {
            endCheckScheduled = false;
            LOG.warn("{}: accepting connections again after {} failed accepts", listener(ctx), failures);
            failures = 0;
        } else {
            ctx.channel()
                    .eventLoop()
                    .schedule(() -> checkBurstOver(ctx), QUIET_MILLIS - quietFor, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        lastFailureNanos = System.nanoTime();
        if (failures++ == 0) {
            LOG.error(
                    "{}: cannot accept connections ({}); pausing accepts, retrying every {} ms; waiting clients stay queued",
                    listener(ctx),
                    cause.getMessage(),
                    PAUSE_MILLIS);
        }
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            ctx.channel()
                    .eventLoop()
                    .schedule(
                            () -> {
                                if (ctx.channel().isOpen()) {
                                    ctx.channel().config().setAutoRead(true);
                                }
                            },
                            PAUSE_MILLIS,
                            TimeUnit.MILLISECONDS);
        }
    }
}
