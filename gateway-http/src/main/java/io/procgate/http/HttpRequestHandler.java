package io.procgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Optional;

/**
 * Routes each aggregated request: {@code /api/...} to the {@link ApiHandler}, {@code /} and {@code
 * /static/NAME} to the {@link WebPages}, anything else to the {@link HttpEndpoints} (health,
 * readiness, metrics). Pages and endpoints take GET and HEAD only (405 otherwise). A request that
 * failed to decode gets 400 and a close. Every answer is counted in {@code
 * procgate_protocol_requests_total{protocol="http",status=<code>}}.
 */
@Sharable
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final HttpEndpoints endpoints;
    private final Optional<ApiHandler> api;
    private final Optional<WebPages> pages;
    private final HttpReplies replies;

    HttpRequestHandler(HttpEndpoints endpoints, ApiHandler api, WebPages pages, HttpReplies replies) {
        this.endpoints = endpoints;
        this.api = Optional.ofNullable(api);
        this.pages = Optional.ofNullable(pages);
        this.replies = replies;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            replies.send(ctx, HttpReplies.plain(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.rawPath();
        if (api.isPresent() && (path.equals("/api") || path.startsWith("/api/"))) {
            api.get().handle(ctx, request);
            return;
        }
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse response = HttpReplies.plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            replies.send(ctx, response, keepAlive);
            return;
        }
        FullHttpResponse response = pages.flatMap(p -> p.answer(ctx, uri)).orElseGet(() -> endpoint(uri.path()));
        if (method.equals(HttpMethod.HEAD)) {
            // HEAD announces the length a GET would get
            int length = response.content().readableBytes();
            response.content().release();
            FullHttpResponse head = response.replace(Unpooled.EMPTY_BUFFER);
            HttpUtil.setContentLength(head, length);
            response = head;
        }
        replies.send(ctx, response, keepAlive);
    }

    private FullHttpResponse endpoint(String path) {
        HttpEndpoints.Answer answer = endpoints.answer(path);
        return HttpReplies.full(
                HttpResponseStatus.valueOf(answer.status()),
                answer.contentType(),
                Unpooled.copiedBuffer(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
