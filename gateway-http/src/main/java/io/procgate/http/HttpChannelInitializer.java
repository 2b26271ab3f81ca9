package io.procgate.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one HTTP connection: codec (bounded request line and headers), aggregator (a
 * small bound: health checks and scrapers send no body), idle close, the endpoints, the exception
 * handler. The core adds TLS in front when the listener has it.
 */
@Sharable
final class HttpChannelInitializer extends ChannelInitializer<Channel> {
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    static final int MAX_CONTENT = 8192;
    static final int IDLE_SECONDS = 60;

    private final HttpRequestHandler handler;

    HttpChannelInitializer(HttpRequestHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
        p.addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CONTENT));
        p.addLast("aggregator", new HttpObjectAggregator(MAX_CONTENT));
        p.addLast("endpoints", handler);
        p.addLast("errors", HttpExceptionHandler.INSTANCE);
    }
}
