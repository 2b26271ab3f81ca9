package io.procgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.procgate.core.LogText;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ProcessControl;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@code GET /api/processes/NAME/console?from=N} into a console WebSocket (docs/web.md,
 * "Console"), after the checks a browser needs: the session (done by {@link ApiHandler}), the {@code
 * Origin} (the listener's own origin or one of {@code gateway.http.allowed-origins}, else 403: a
 * foreign page must not use the user's cookie), then the handshake with Netty's handshaker
 * (client frames at most {@code gateway.http.max-frame}, 1009 beyond), then the per-user limit
 * (4429 when over). The connection then leaves HTTP: no idle timeout (a console may be quiet for
 * hours; the session's idle timeout ends it) and a {@link ConsoleHandler} in place of the endpoints.
 */
final class ConsoleUpgrade {
    /** The close code for a user over {@code max-consoles-per-user} (4000-4999: application codes). */
    static final int TOO_MANY_CONSOLES = 4429;

    /** Flushes that may be merged into one write to the socket (a read of the process's output each). */
    static final int FLUSHES_PER_SYSCALL = 256;

    private final HttpSettings settings;
    private final WebSessions sessions;
    private final ProcessControl processes;
    private final ConsoleFeeds feeds;

    ConsoleUpgrade(HttpSettings settings, WebSessions sessions, ProcessControl processes, ConsoleFeeds feeds) {
        this.settings = settings;
        this.sessions = sessions;
        this.processes = processes;
        this.feeds = feeds;
    }

    void upgrade(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            WebSession session,
            Caller caller,
            String name,
            Map<String, List<String>> query) {
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            throw ApiError.badRequest("the console is a WebSocket: send an Upgrade: websocket request");
        }
        if (!originAllowed(request)) {
            throw new ApiError(
                    403,
                    "Origin not allowed: " + LogText.quote(request.headers().get(HttpHeaderNames.ORIGIN)));
        }
        long fromValue = Query.longValue(query, "from", Long.MIN_VALUE);
        Long from = fromValue == Long.MIN_VALUE ? null : fromValue;
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxFrame())
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
        String url = (settings.tls() != null ? "wss://" : "ws://")
                + request.headers().get(HttpHeaderNames.HOST)
                + request.uri();
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, null, decoder).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        boolean admitted = sessions.admitConsole(session, ctx.channel());
        ConsoleHandler console =
                new ConsoleHandler(processes, sessions, session, caller, name, settings.consoleBuffer(), feeds);
        ChannelPipeline p = ctx.pipeline();
        if (p.get(HttpChannelInitializer.IDLE) != null) {
            p.remove(HttpChannelInitializer.IDLE);
        }
        if (p.get(HttpChannelInitializer.ORDER) != null) {
            p.remove(HttpChannelInitializer.ORDER); // frames are not requests
        }
        p.replace(ctx.name(), HttpChannelInitializer.CONSOLE, console);
        p.addBefore(HttpChannelInitializer.CONSOLE, "ws-aggregator", new WebSocketFrameAggregator(settings.maxFrame()));
        // A chatty process means a flush per pipe read per console: a busy loop may merge several.
        p.addBefore(
                HttpChannelInitializer.CONSOLE,
                "flush-consolidation",
                new FlushConsolidationHandler(FLUSHES_PER_SYSCALL, true));
        handshaker.handshake(ctx.channel(), request).addListener(f -> {
            if (!f.isSuccess()) {
                ctx.channel().close();
                return;
            }
            if (!admitted) {
                ctx.channel()
                        .writeAndFlush(new CloseWebSocketFrame(
                                TOO_MANY_CONSOLES, "at most " + settings.maxConsolesPerUser() + " consoles per user"))
                        .addListener(done -> ctx.channel().close());
                return;
            }
            sessions.attachConsole(session, ctx.channel());
            if (!session.ended()) {
                console.start(ctx.channel(), from);
            }
        });
    }

    /** The listener's own origin (by the Host the browser used) or an allowed one; a missing Origin fails. */
    boolean originAllowed(FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (origin == null || host == null) {
            return false;
        }
        String normalized = origin.toLowerCase(Locale.ROOT);
        String own = (settings.tls() != null ? "https://" : "http://") + host.toLowerCase(Locale.ROOT);
        return normalized.equals(own) || settings.allowedOrigins().contains(normalized);
    }
}
