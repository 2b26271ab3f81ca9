package io.procgate.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps HTTP/1.1 answers in request order (RFC 9112 §9.3.2) when a client pipelines: some answers
 * are made off the loop (a password check, a search) and would otherwise overtake a quicker one
 * behind them. A request is passed on only when the answer before it has been written to its end;
 * those that arrive meanwhile wait here, reading paused, and a client that queues more than {@link
 * #MAX_WAITING} is closed (one socket read can hold many small requests, so pausing alone does not
 * bound them). One instance per connection; a console upgrade removes it.
 */
final class ResponseOrder extends ChannelDuplexHandler {
    /** Requests held behind an unanswered one before the connection is closed. */
    static final int MAX_WAITING = 64;

    private static final Logger LOG = LoggerFactory.getLogger(ResponseOrder.class);

    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean answering;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!answering) {
            answering = true;
            ctx.fireChannelRead(request);
            return;
        }
        if (waiting.size() >= MAX_WAITING) {
            request.release();
            LOG.warn(
                    "http: {} pipelined more than {} requests behind an unanswered one; closing",
                    ctx.channel().remoteAddress(),
                    MAX_WAITING);
            ctx.close();
            return;
        }
        waiting.add(request);
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean end = msg instanceof LastHttpContent;
        ctx.write(msg, promise);
        if (end && answering) {
            answering = false;
            // Not from inside the write: the next request starts once this call stack is done.
            ctx.executor().execute(() -> next(ctx));
        }
    }

    private void next(ChannelHandlerContext ctx) {
        if (answering || ctx.isRemoved()) {
            return;
        }
        FullHttpRequest request = waiting.poll();
        if (request == null) {
            ctx.channel().config().setAutoRead(true);
            return;
        }
        answering = true;
        ctx.fireChannelRead(request); // every answer is written and flushed at once (HttpReplies)
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
        if (!ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    private void releaseWaiting() {
        FullHttpRequest request;
        while ((request = waiting.poll()) != null) {
            ReferenceCountUtil.release(request);
        }
    }
}
