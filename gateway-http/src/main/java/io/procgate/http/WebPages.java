package io.procgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Optional;

/**
 * The console's page and files: {@code GET /} (and, on a gateway without users, {@code
 * GET /?token=TOKEN}, which logs in as this run's admin, sets the session cookie and redirects to
 * {@code /} so the token leaves the address bar), {@code GET /static/NAME}. A wrong token counts as
 * a failed login in the shared throttle.
 */
final class WebPages {
    private final StaticFiles files;
    private final FirstRunLink firstRun;
    private final WebSessions sessions;
    private final ApiHandler api;
    private final io.procgate.core.auth.LoginThrottle throttle;

    WebPages(
            StaticFiles files,
            FirstRunLink firstRun,
            WebSessions sessions,
            ApiHandler api,
            io.procgate.core.auth.LoginThrottle throttle) {
        this.files = files;
        this.firstRun = firstRun;
        this.sessions = sessions;
        this.api = api;
        this.throttle = throttle;
    }

    /** The answer for a page path, or empty when {@code uri} is not one (health endpoints). */
    Optional<FullHttpResponse> answer(ChannelHandlerContext ctx, QueryStringDecoder uri) {
        String path = uri.rawPath();
        if (path.equals("/")) {
            List<String> token = uri.parameters().get("token");
            if (token != null) {
                return Optional.of(tokenLogin(ctx, token.get(0)));
            }
            return Optional.of(file(StaticFiles.INDEX));
        }
        if (path.startsWith("/static/")) {
            return Optional.of(file(path.substring("/static/".length())));
        }
        return Optional.empty();
    }

    private FullHttpResponse file(String name) {
        return files.find(name)
                .map(f -> {
                    FullHttpResponse r =
                            HttpReplies.full(HttpResponseStatus.OK, f.contentType(), Unpooled.wrappedBuffer(f.bytes()));
                    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
                    return r;
                })
                .orElseGet(() -> HttpReplies.plain(HttpResponseStatus.NOT_FOUND, "not found\n"));
    }

    private FullHttpResponse tokenLogin(ChannelHandlerContext ctx, String token) {
        java.net.InetAddress address = ApiHandler.addressOf(ctx.channel().remoteAddress());
        if (address != null && throttle.isBlocked(address)) {
            return HttpReplies.plain(HttpResponseStatus.TOO_MANY_REQUESTS, "too many failed logins; try again later\n");
        }
        if (firstRun == null || !firstRun.matches(token)) {
            if (address != null) {
                throttle.recordFailure(address);
            }
            return HttpReplies.plain(
                    HttpResponseStatus.UNAUTHORIZED,
                    "this console link is not valid (a new one is printed at each start of a gateway without users)\n");
        }
        WebSession session = sessions.create(firstRun.admin());
        FullHttpResponse redirect =
                HttpReplies.full(HttpResponseStatus.SEE_OTHER, HttpReplies.PLAIN_TEXT, Unpooled.EMPTY_BUFFER);
        redirect.headers().set(HttpHeaderNames.LOCATION, "/");
        redirect.headers().add(HttpHeaderNames.SET_COOKIE, api.sessionCookie(session));
        return redirect;
    }
}
