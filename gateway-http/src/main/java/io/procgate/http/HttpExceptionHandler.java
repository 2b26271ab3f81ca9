package io.procgate.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.procgate.core.net.PeerAddresses;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tail of every HTTP pipeline: closes idle connections, and on an exception logs (quietly for
 * I/O and TLS errors, which clients cause) and closes.
 */
@Sharable
final class HttpExceptionHandler extends ChannelInboundHandlerAdapter {
    static final HttpExceptionHandler INSTANCE = new HttpExceptionHandler();
    private static final Logger LOG = LoggerFactory.getLogger(HttpExceptionHandler.class);

    private HttpExceptionHandler() {}

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String peer = PeerAddresses.format(ctx.channel().remoteAddress());
        if (cause instanceof IOException || cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            LOG.debug("http: connection from {} failed: {}", peer, cause.toString());
        } else {
            LOG.error("http: unexpected error on the connection from {}", peer, cause);
        }
        ctx.close();
    }
}
