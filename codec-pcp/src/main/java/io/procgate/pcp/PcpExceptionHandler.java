package io.procgate.pcp;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tail of every PCP pipeline: a broken connection is closed quietly, anything else is logged once
 * with the consumer's address, then the connection is closed. Bad input never gets here: the decoder
 * turns it into {@code ?} answers.
 */
@Sharable
final class PcpExceptionHandler extends ChannelInboundHandlerAdapter {
    static final PcpExceptionHandler INSTANCE = new PcpExceptionHandler();
    private static final Logger log = LoggerFactory.getLogger(PcpExceptionHandler.class);

    private PcpExceptionHandler() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("pcp {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.error("pcp {}: unexpected failure, closing", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
