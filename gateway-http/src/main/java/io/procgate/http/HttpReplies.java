package io.procgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.procgate.core.metrics.ProtocolMetrics;
import java.nio.charset.StandardCharsets;

/**
 * How every HTTP answer leaves: the security headers of docs/web.md ("Headers") on each, {@code
 * Cache-Control: no-store} unless the answer says otherwise, keep-alive as the request asked (a
 * close after it otherwise), and one count in {@code procgate_protocol_requests_total}.
 */
final class HttpReplies {
    static final String JSON = "application/json; charset=utf-8";
    static final String PLAIN_TEXT = "text/plain; charset=utf-8";

    /**
     * No inline script or style, nothing from another origin; the console's WebSocket is same-origin
     * ({@code 'self'} covers {@code ws:}/{@code wss:} to the page's own host and port in CSP 3).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    private final ProtocolMetrics metrics;

    HttpReplies(ProtocolMetrics metrics) {
        this.metrics = metrics;
    }

    static void secure(HttpHeaders headers) {
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        if (!headers.contains(HttpHeaderNames.CACHE_CONTROL)) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        }
    }

    static FullHttpResponse full(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, body.readableBytes());
        return response;
    }

    static FullHttpResponse json(int status, JsonNode body) {
        return full(HttpResponseStatus.valueOf(status), JSON, Unpooled.wrappedBuffer(Json.bytes(body)));
    }

    static FullHttpResponse error(int status, String message) {
        return json(status, Json.error(message));
    }

    static FullHttpResponse plain(HttpResponseStatus status, String text) {
        return full(status, PLAIN_TEXT, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Sends {@code response} (security headers added) and closes after it unless {@code keepAlive}. */
    void send(ChannelHandlerContext ctx, HttpResponse response, boolean keepAlive) {
        secure(response.headers());
        metrics.request(Integer.toString(response.status().code()));
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Counts an answer sent some other way (a streamed download, a WebSocket upgrade). */
    void count(int status) {
        metrics.request(Integer.toString(status));
    }
}
