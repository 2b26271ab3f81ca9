package io.procgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.procgate.core.LogText;
import io.procgate.core.auth.Authenticator;
import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.metrics.ProtocolMetrics;
import io.procgate.core.net.PeerAddresses;
import io.procgate.host.ProcessStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@code /api/} (docs/web.md, sections "Sessions" and "API"): login and logout,
 * the session check ({@code 401}), the CSRF check on every POST/PUT/DELETE ({@code 403}), then one
 * method per endpoint. Malformed input of any kind is {@code 400 {"error": ...}} and the connection
 * stays open; an unexpected failure is logged and answered {@code 500 {"error": "internal error"}},
 * never with a stack trace. The console WebSocket is handed to {@link ConsoleUpgrade}.
 */
final class ApiHandler {
    static final String SESSION_COOKIE = "procgate_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String PROTOCOL = "http";
    /** The longest input line (bytes, without its newline), as the spec says. */
    static final int MAX_INPUT_LINE = 16384;

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final WebSessions sessions;
    private final Authenticator authenticator;
    private final LoginThrottle throttle;
    private final Executor passwordChecks;
    private final ProtocolMetrics metrics;
    private final ProcessControl processes;
    private final ProcessViews views;
    private final HistoryLines lines;
    private final HistorySearch search;
    private final ConsoleUpgrade consoles;
    private final HttpReplies replies;
    private final boolean tls;

    ApiHandler(
            WebSessions sessions,
            Authenticator authenticator,
            LoginThrottle throttle,
            Executor passwordChecks,
            ProtocolMetrics metrics,
            ProcessControl processes,
            ProcessViews views,
            HistorySearch search,
            ConsoleUpgrade consoles,
            HttpReplies replies,
            boolean tls) {
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.passwordChecks = passwordChecks;
        this.metrics = metrics;
        this.processes = processes;
        this.views = views;
        this.lines = new HistoryLines(processes);
        this.search = search;
        this.consoles = consoles;
        this.replies = replies;
        this.tls = tls;
    }

    /** One request under {@code /api/}: {@code request} is released by the caller after this returns. */
    void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            route(ctx, request, keepAlive);
        } catch (ApiError e) {
            replies.send(ctx, HttpReplies.error(e.status(), e.getMessage()), keepAlive);
        } catch (RuntimeException e) {
            LOG.error(
                    "http: {} {} from {} failed",
                    request.method(),
                    path(request),
                    PeerAddresses.format(ctx.channel()),
                    e);
            replies.send(ctx, HttpReplies.error(500, "internal error"), keepAlive);
        }
    }

    private static String path(FullHttpRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> segments = segments(uri.rawPath());
        HttpMethod method = request.method();
        if (segments.equals(List.of("api", "login"))) {
            allow(method, HttpMethod.POST);
            login(ctx, request, keepAlive);
            return;
        }
        WebSession session = session(request).orElseThrow(() -> new ApiError(401, "not logged in"));
        if (changes(method) && !session.csrfMatches(request.headers().get(CSRF_HEADER))) {
            throw new ApiError(403, "missing or wrong " + CSRF_HEADER + " header");
        }
        Caller caller = new Caller(session.user(), ctx.channel().remoteAddress(), PROTOCOL, false);
        Map<String, List<String>> query = uri.parameters();
        int n = segments.size();
        if (n == 2 && segments.get(1).equals("logout")) {
            allow(method, HttpMethod.POST);
            sessions.end(session, "logged out");
            FullHttpResponse response =
                    HttpReplies.full(HttpResponseStatus.NO_CONTENT, HttpReplies.JSON, Unpooled.EMPTY_BUFFER);
            response.headers().remove(HttpHeaderNames.CONTENT_TYPE);
            response.headers().add(HttpHeaderNames.SET_COOKIE, clearCookie());
            replies.send(ctx, response, keepAlive);
            return;
        }
        if (n == 2 && segments.get(1).equals("session")) {
            allow(method, HttpMethod.GET);
            replies.send(ctx, HttpReplies.json(200, sessionJson(session)), keepAlive);
            return;
        }
        if (n < 2 || !segments.get(1).equals("processes") || n > 4) {
            throw ApiError.notFound("no such endpoint: " + path(request));
        }
        if (n == 2) {
            allow(method, HttpMethod.GET);
            replies.send(ctx, HttpReplies.json(200, views.list(caller)), keepAlive);
            return;
        }
        String name = segments.get(2);
        if (!ProcessControl.isValidName(name)) {
            throw ApiError.badRequest("invalid process name (1-64 of A-Z a-z 0-9 . _ -)");
        }
        if (n == 3) {
            allow(method, HttpMethod.GET);
            replies.send(ctx, HttpReplies.json(200, views.one(caller, name)), keepAlive);
            return;
        }
        String action = segments.get(3);
        switch (action) {
            case "lines" -> {
                allow(method, HttpMethod.GET);
                linesOf(ctx, caller, name, query, keepAlive);
            }
            case "log" -> {
                allow(method, HttpMethod.GET);
                log(ctx, caller, name, query, keepAlive);
            }
            case "search" -> {
                allow(method, HttpMethod.GET);
                search(ctx, caller, name, query, keepAlive);
            }
            case "console" -> {
                allow(method, HttpMethod.GET);
                views.readable(caller, name);
                consoles.upgrade(ctx, request, session, caller, name, query);
            }
            case "start", "stop", "kill", "restart", "input" -> {
                allow(method, HttpMethod.POST);
                act(ctx, caller, name, action, Json.bodyObject(request.content()), keepAlive);
            }
            default -> throw ApiError.notFound("no such endpoint: " + path(request));
        }
    }

    private static boolean changes(HttpMethod method) {
        return method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.DELETE);
    }

    private static void allow(HttpMethod method, HttpMethod allowed) {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "use " + allowed.name());
        }
    }

    /** The decoded segments of a raw path ({@code %2F} stays inside its segment). */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/", -1)) {
            if (!part.isEmpty()) {
                try {
                    out.add(QueryStringDecoder.decodeComponent(part, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw ApiError.badRequest("malformed path");
                }
            }
        }
        return out;
    }

    // --- sessions

    private Optional<WebSession> session(FullHttpRequest request) {
        return sessionId(request).flatMap(sessions::use);
    }

    static Optional<String> sessionId(FullHttpRequest request) {
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
                if (cookie.name().equals(SESSION_COOKIE)) {
                    return Optional.of(cookie.value());
                }
            }
        }
        return Optional.empty();
    }

    static ObjectNode sessionJson(WebSession session) {
        return Json.object()
                .put("user", session.user().name())
                .put("admin", session.user().admin())
                .put("csrf", session.csrf());
    }

    /** The session cookie, spelled as docs/web.md shows it. */
    String sessionCookie(WebSession session) {
        return cookie(session.id(), "");
    }

    private String clearCookie() {
        return cookie("", "; Max-Age=0");
    }

    private String cookie(String value, String extra) {
        return SESSION_COOKIE + "=" + value + "; HttpOnly; SameSite=Strict; Path=/" + (tls ? "; Secure" : "") + extra;
    }

    /** A throttled address gets 429 before any check; the password check runs off the loop. */
    private void login(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        InetAddress address = addressOf(ctx.channel().remoteAddress());
        if (address != null && throttle.isBlocked(address)) {
            throw new ApiError(429, "too many failed logins from this address; try again later");
        }
        ObjectNode body = Json.bodyObject(request.content());
        String user = Json.requiredString(body, "user");
        byte[] password = Json.requiredString(body, "password").getBytes(StandardCharsets.UTF_8);
        String peer = PeerAddresses.format(ctx.channel());
        try {
            passwordChecks.execute(() -> {
                Optional<User> found = authenticator.authenticate(user, password);
                Arrays.fill(password, (byte) 0);
                ctx.executor().execute(() -> loggedIn(ctx, found, user, address, peer, keepAlive));
            });
        } catch (RejectedExecutionException e) {
            throw new ApiError(503, "the gateway is stopping");
        }
    }

    private void loggedIn(
            ChannelHandlerContext ctx,
            Optional<User> found,
            String name,
            InetAddress address,
            String peer,
            boolean keepAlive) {
        if (found.isEmpty()) {
            if (address != null) {
                throttle.recordFailure(address);
            }
            metrics.authFailure();
            LOG.warn("http: failed login as {} from {}", LogText.quote(name), peer);
            replies.send(ctx, HttpReplies.error(401, "wrong user or password"), keepAlive);
            return;
        }
        if (address != null) {
            throttle.recordSuccess(address);
        }
        WebSession session = sessions.create(found.get());
        LOG.info("http: {} logged in from {}", found.get().name(), peer);
        FullHttpResponse response = HttpReplies.json(200, sessionJson(session));
        response.headers().add(HttpHeaderNames.SET_COOKIE, sessionCookie(session));
        replies.send(ctx, response, keepAlive);
    }

    static InetAddress addressOf(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    // --- history

    private void linesOf(
            ChannelHandlerContext ctx, Caller caller, String name, Map<String, List<String>> query, boolean keepAlive) {
        ProcessStatus status = views.readable(caller, name).orElse(null);
        long from = Query.longValue(query, "from", Long.MIN_VALUE);
        int limit = Query.limit(query, "limit", HistoryLines.DEFAULT_LIMIT, HistoryLines.MAX_LIMIT);
        ObjectNode answer;
        if (from == Long.MIN_VALUE) {
            answer = lines.lines(caller, status, limit, true, limit); // no from: the last lines
        } else if (from < 0) {
            answer = lines.lines(caller, status, -from, true, limit);
        } else {
            answer = lines.lines(caller, status, from, false, limit);
        }
        replies.send(ctx, HttpReplies.json(200, answer), keepAlive);
    }

    private void log(
            ChannelHandlerContext ctx, Caller caller, String name, Map<String, List<String>> query, boolean keepAlive) {
        ProcessStatus status = views.readable(caller, name).orElse(null);
        long end = status == null ? 0 : status.nextLine();
        long from = Math.max(0, Query.longValue(query, "from", 0));
        long to = Math.min(end, Query.longValue(query, "to", end));
        if (to < 0) {
            throw ApiError.badRequest("\"to\" must not be negative");
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpReplies.PLAIN_TEXT);
        response.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + name + ".log\"");
        HttpUtil.setTransferEncodingChunked(response, true);
        HttpReplies.secure(response.headers());
        response.headers()
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        replies.count(200);
        ctx.write(response);
        ChannelFuture done =
                ctx.writeAndFlush(new HttpChunkedInput(new HistoryDownload(processes, caller, name, from, to)));
        if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void search(
            ChannelHandlerContext ctx, Caller caller, String name, Map<String, List<String>> query, boolean keepAlive) {
        ProcessStatus status = views.readable(caller, name).orElse(null);
        String text = Query.string(query, "q");
        if (text == null || text.isEmpty()) {
            throw ApiError.badRequest("\"q\" is missing");
        }
        if (text.length() > HistorySearch.MAX_QUERY_CHARS) {
            throw ApiError.badRequest("\"q\" is longer than " + HistorySearch.MAX_QUERY_CHARS + " characters");
        }
        long end = status == null ? 0 : status.nextLine();
        long before = Math.min(end, Query.longValue(query, "before", end));
        if (before < 0) {
            throw ApiError.badRequest("\"before\" must not be negative");
        }
        int limit = Query.limit(query, "limit", HistorySearch.DEFAULT_LIMIT, HistorySearch.MAX_LIMIT);
        if (status == null) {
            ObjectNode empty = Json.object();
            empty.set("matches", Json.MAPPER.createArrayNode());
            replies.send(ctx, HttpReplies.json(200, empty.put("before", 0)), keepAlive);
            return;
        }
        try {
            search.executor().execute(() -> {
                FullHttpResponse response;
                try {
                    response = HttpReplies.json(200, search.search(caller, name, text, before, limit));
                } catch (ApiError e) {
                    response = HttpReplies.error(e.status(), e.getMessage());
                } catch (RuntimeException e) {
                    LOG.error("http: search of {} by {} failed", name, caller, e);
                    response = HttpReplies.error(500, "internal error");
                }
                FullHttpResponse answer = response;
                ctx.executor().execute(() -> replies.send(ctx, answer, keepAlive));
            });
        } catch (RejectedExecutionException e) {
            throw new ApiError(503, "too many searches at once; try again");
        }
    }

    // --- actions

    private void act(
            ChannelHandlerContext ctx, Caller caller, String name, String action, ObjectNode body, boolean keepAlive) {
        CompletionStage<ControlStatus> result = switch (action) {
            case "start" -> start(caller, name, body);
            case "stop" -> processes.kill(caller, name);
            case "kill" -> processes.forceKill(caller, name);
            case "restart" -> processes.restart(caller, name);
            default -> CompletableFuture.completedFuture(processes.command(caller, name, inputLine(body)));
        };
        result.whenComplete((status, error) -> ctx.executor().execute(() -> {
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof ApiError e) {
                replies.send(ctx, HttpReplies.error(e.status(), e.getMessage()), keepAlive);
                return;
            }
            ControlStatus s = cause != null ? ControlStatus.UNKNOWN : status;
            if (cause != null) {
                LOG.error("http: {} of {} by {} failed", action, name, caller, cause);
            }
            replies.send(ctx, HttpReplies.json(httpStatus(caller, name, s), resultJson(caller, name, s)), keepAlive);
        }));
    }

    private CompletionStage<ControlStatus> start(Caller caller, String name, ObjectNode body) {
        String command = Json.optionalString(body, "command");
        String path = Json.optionalString(body, "path");
        if (command != null) {
            if (command.isBlank()) {
                throw ApiError.badRequest("\"command\" is empty");
            }
            return processes.start(caller, name, command, path);
        }
        if (views.isDeclared(name)) {
            return processes.start(caller, name, "", path);
        }
        if (!views.known(caller, name)) {
            throw ApiError.badRequest("\"command\" is missing (" + name + " is not declared in the configuration)");
        }
        // Start again what ran before under this name, as a panel's start button does.
        ObjectNode view = views.one(caller, name);
        if (!view.get("state").asText().equals("exited")
                && !view.get("state").asText().equals("failed")
                && !view.get("state").asText().equals("backoff")) {
            return CompletableFuture.completedFuture(ControlStatus.EXISTS);
        }
        return processes.restart(caller, name).thenApply(s -> {
            if (s == ControlStatus.OFFLINE) {
                throw ApiError.badRequest("\"command\" is missing (" + name
                        + " has not run since the gateway started, and is not declared)");
            }
            return s;
        });
    }

    /** The {@code line} of an input request, as bytes for stdin. */
    static byte[] inputLine(ObjectNode body) {
        String line = Json.requiredString(body, "line");
        return checkedLine(line);
    }

    /** @throws ApiError 400 for a line with a newline or longer than {@value #MAX_INPUT_LINE} bytes */
    static byte[] checkedLine(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw ApiError.badRequest("\"line\" must be one line (no CR or LF)");
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_INPUT_LINE) {
            throw ApiError.badRequest("\"line\" is longer than " + MAX_INPUT_LINE + " bytes");
        }
        return bytes;
    }

    /** The HTTP status of an action's result (docs/web.md, "Actions"). */
    int httpStatus(Caller caller, String name, ControlStatus status) {
        return switch (status) {
            case OK, UNKNOWN -> 200;
            case PERMISSION_DENIED -> 403;
            case EXISTS -> 409;
            case OFFLINE -> views.known(caller, name) ? 409 : 404;
            case ERROR -> 400;
        };
    }

    private ObjectNode resultJson(Caller caller, String name, ControlStatus status) {
        ObjectNode o = Json.object().put("result", status.name());
        String error = switch (status) {
            case OK -> null;
            case EXISTS -> name + " is running";
            case OFFLINE -> views.known(caller, name) ? name + " is not running" : "no process " + name;
            case PERMISSION_DENIED -> "not permitted (another user's process, or it would run as root)";
            case ERROR -> "invalid request";
            case UNKNOWN -> unknownReason(caller, name);
        };
        if (error != null) {
            o.put("error", error);
        }
        return o;
    }

    private String unknownReason(Caller caller, String name) {
        Outcome<ProcessStatus> status = processes.status(caller, name);
        if (status.isOk() && status.value().lastError() != null) {
            return status.value().lastError();
        }
        return "failed; see the gateway's log";
    }
}
