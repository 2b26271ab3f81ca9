package io.procgate.tcpr;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every TCPR pipeline: an I/O error (a client that vanished) is logged quietly,
 * anything else once as an error with the client's address; the connection is closed either way.
 */
@ChannelHandler.Sharable
final class TcprExceptionHandler extends ChannelInboundHandlerAdapter {
    static final TcprExceptionHandler INSTANCE = new TcprExceptionHandler();
    private static final Logger LOG = LoggerFactory.getLogger(TcprExceptionHandler.class);

    private TcprExceptionHandler() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String peer = TcprListener.peer(ctx.channel());
        if (cause instanceof IOException) {
            LOG.debug("tcpr: connection from {} failed: {}", peer, cause.toString());
        } else {
            LOG.error("tcpr: unexpected error on the connection from {}, closing it", peer, cause);
        }
        ctx.close();
    }
}
