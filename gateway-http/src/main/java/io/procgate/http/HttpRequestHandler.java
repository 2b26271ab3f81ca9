package io.procgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.procgate.core.metrics.ProtocolMetrics;
import java.nio.charset.StandardCharsets;

/**
 * Answers each aggregated request from {@link HttpEndpoints}: GET and HEAD only (405 otherwise),
 * keep-alive as the client asks, a request that failed to decode gets 400 and a close. Every
 * answer is counted in {@code procgate_protocol_requests_total{protocol="http",status=<code>}}.
 */
@Sharable
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final HttpEndpoints endpoints;
    private final ProtocolMetrics metrics;

    HttpRequestHandler(HttpEndpoints endpoints, ProtocolMetrics metrics) {
        this.endpoints = endpoints;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, plain(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
            return;
        }
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse response = plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, request, response, HttpUtil.isKeepAlive(request));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        HttpEndpoints.Answer answer = endpoints.answer(path);
        ByteBuf body = method.equals(HttpMethod.HEAD)
                ? Unpooled.EMPTY_BUFFER
                : Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8);
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()), body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        // HEAD announces the length a GET would get
        HttpUtil.setContentLength(
                response,
                method.equals(HttpMethod.HEAD)
                        ? answer.body().getBytes(StandardCharsets.UTF_8).length
                        : body.readableBytes());
        send(ctx, request, response, HttpUtil.isKeepAlive(request));
    }

    private static FullHttpResponse plain(HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpEndpoints.PLAIN_TEXT);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }

    private void send(
            ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean keepAlive) {
        metrics.request(Integer.toString(response.status().code()));
        if (keepAlive) {
            if (!request.protocolVersion().isKeepAliveDefault()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
