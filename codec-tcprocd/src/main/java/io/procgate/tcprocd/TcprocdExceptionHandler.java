package io.procgate.tcprocd;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.procgate.core.metrics.ProtocolMetrics;
import io.procgate.core.net.PeerAddresses;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every tcprocd pipeline: the written-down error policy (docs/tcprocd.md,
 * section 7).
 *
 * <ul>
 *   <li>a malformed request ({@link TcprocdCodecException}): {@code 05ERROR}, then close;
 *   <li>an I/O error (the peer reset the connection): close quietly;
 *   <li>an over-long line from an attached client: close (a line-based connection has no status);
 *   <li>anything else: one ERROR log line with the client's address, {@code 07UNKNOWN} unless
 *       attached, then close.
 * </ul>
 *
 * <p>Also drops any message nobody handled, so that nothing leaks.
 */
@Sharable
public final class TcprocdExceptionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TcprocdExceptionHandler.class);

    public static final TcprocdExceptionHandler INSTANCE = new TcprocdExceptionHandler();

    private TcprocdExceptionHandler() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ctx.channel().isActive()) {
            return;
        }
        String peer = PeerAddresses.format(ctx.channel());
        if (cause instanceof TcprocdCodecException) {
            LOG.info("tcprocd: malformed request from {}: {}", peer, cause.getMessage());
            ProtocolMetrics metrics =
                    ctx.channel().attr(TcprocdPipeline.METRICS).get();
            if (metrics != null) {
                metrics.request(TcprocdStatus.ERROR.name());
            }
            goodbye(ctx, TcprocdStatus.ERROR);
        } else if (cause instanceof IOException) {
            LOG.debug("tcprocd: connection from {} failed: {}", peer, cause.toString());
            ctx.close();
        } else if (cause instanceof TooLongFrameException) {
            LOG.info(
                    "tcprocd: closing attached client {}: line longer than {} bytes",
                    peer,
                    TcprocdConstants.MAX_ATTACH_LINE);
            ctx.close();
        } else {
            LOG.error("tcprocd: unexpected failure serving {}", peer, cause);
            goodbye(ctx, TcprocdStatus.UNKNOWN);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        LOG.debug("tcprocd: dropping unexpected {}", msg.getClass().getSimpleName());
        ReferenceCountUtil.release(msg);
    }

    /** Says {@code status} (unless the connection is line-based by now) and closes. */
    static void goodbye(ChannelHandlerContext ctx, TcprocdStatus status) {
        if (Boolean.TRUE.equals(ctx.channel().attr(TcprocdPipeline.ATTACHED).get())) {
            ctx.close();
        } else {
            ctx.channel().writeAndFlush(TcprocdResponse.of(status)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
