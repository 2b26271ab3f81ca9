package io.procgate.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.procgate.core.auth.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One logged-in browser (docs/web.md, "Sessions"): the user, the CSRF token its page must send on
 * every change, when it was last used, and its open console WebSockets (closed with 1008 when the
 * session ends, 1001 when the gateway stops). Thread-safe.
 */
final class WebSession {
    private final String id;
    private final String csrf;
    private final User user;
    private final Set<Channel> consoles = ConcurrentHashMap.newKeySet();
    private volatile long lastUsedNanos;
    /** How its consoles close once it ended; null while it lives. */
    private volatile WebSocketCloseStatus endedWith;

    WebSession(String id, String csrf, User user, long nowNanos) {
        this.id = id;
        this.csrf = csrf;
        this.user = user;
        this.lastUsedNanos = nowNanos;
    }

    String id() {
        return id;
    }

    String csrf() {
        return csrf;
    }

    User user() {
        return user;
    }

    /** Whether {@code token} is this session's CSRF token (compared in constant time). */
    boolean csrfMatches(String token) {
        return token != null
                && MessageDigest.isEqual(
                        csrf.getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
    }

    void touch(long nowNanos) {
        lastUsedNanos = nowNanos;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    boolean ended() {
        return endedWith != null;
    }

    /** Ends it; its consoles, whoever notices first, close with {@code closeWith}. */
    void end(WebSocketCloseStatus closeWith) {
        endedWith = closeWith;
    }

    /** The close status for its consoles: as it ended, or 1008 (policy) if it is only stale. */
    WebSocketCloseStatus closeStatus() {
        WebSocketCloseStatus status = endedWith;
        return status == null ? WebSocketCloseStatus.POLICY_VIOLATION : status;
    }

    Set<Channel> consoles() {
        return consoles;
    }
}
