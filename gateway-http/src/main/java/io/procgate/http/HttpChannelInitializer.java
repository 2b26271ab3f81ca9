package io.procgate.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one HTTP connection: the connection limits, idle close, codec (bounded request
 * line and headers), aggregator (bodies up to {@code gateway.http.max-body}, 400 beyond), chunked
 * writes (log downloads), the endpoints, the exception handler. The core adds TLS in front when the
 * listener has it. Pipelined requests are answered in order ({@link ResponseOrder}). A console upgrade replaces the endpoints with a {@link ConsoleHandler}.
 */
@Sharable
final class HttpChannelInitializer extends ChannelInitializer<Channel> {
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    static final String IDLE = "idle";
    static final String ENDPOINTS = "endpoints";
    static final String CONSOLE = "console";
    static final String ORDER = "order";

    private final HttpRequestHandler handler;
    private final ConnectionLimits limits;
    private final HttpSettings settings;

    HttpChannelInitializer(HttpRequestHandler handler, ConnectionLimits limits, HttpSettings settings) {
        this.handler = handler;
        this.limits = limits;
        this.settings = settings;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!limits.admit(ch)) {
            return;
        }
        ChannelPipeline p = ch.pipeline();
        p.addLast(IDLE, new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, settings.maxBody()));
        p.addLast("aggregator", new BodyLimitAggregator(settings.maxBody()));
        p.addLast(ORDER, new ResponseOrder());
        p.addLast("chunked", new ChunkedWriteHandler());
        p.addLast(ENDPOINTS, handler);
        p.addLast("errors", HttpExceptionHandler.INSTANCE);
    }
}
