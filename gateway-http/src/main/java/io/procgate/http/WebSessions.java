package io.procgate.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.procgate.core.auth.User;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The web sessions of one HTTP listener, in memory only (a gateway restart logs everyone out):
 * created by a login, found by the {@code procgate_session} cookie, ended by logout or after
 * {@code gateway.http.session-idle-timeout} without a request ({@link #expire}, run periodically).
 * Ending a session closes its consoles with 1008. Also counts open consoles per user, for {@code
 * gateway.http.max-consoles-per-user}. Thread-safe.
 */
final class WebSessions {
    /** 256 bits: session ids and CSRF tokens cannot be guessed. */
    private static final int TOKEN_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, WebSession> byId = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> consolesPerUser = new ConcurrentHashMap<>();
    private final long idleNanos;
    private final int maxConsolesPerUser;
    private final LongSupplier clock;

    WebSessions(Duration idleTimeout, int maxConsolesPerUser) {
        this(idleTimeout, maxConsolesPerUser, System::nanoTime);
    }

    WebSessions(Duration idleTimeout, int maxConsolesPerUser, LongSupplier clock) {
        this.idleNanos = idleTimeout.toNanos();
        this.maxConsolesPerUser = maxConsolesPerUser;
        this.clock = clock;
    }

    /** A fresh unguessable token (URL- and cookie-safe). */
    String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    WebSession create(User user) {
        WebSession session = new WebSession(newToken(), newToken(), user, clock.getAsLong());
        byId.put(session.id(), session);
        return session;
    }

    /** The live session of {@code id}, marked as used now; empty if unknown, ended or expired. */
    Optional<WebSession> use(String id) {
        if (id == null) {
            return Optional.empty();
        }
        WebSession session = byId.get(id);
        if (session == null) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        if (now - session.lastUsedNanos() > idleNanos) {
            end(session, "session expired");
            return Optional.empty();
        }
        session.touch(now);
        return Optional.of(session);
    }

    /** Ends {@code session} (logout): its consoles are closed with 1008. */
    void end(WebSession session, String reason) {
        end(session, WebSocketCloseStatus.POLICY_VIOLATION, reason);
    }

    private void end(WebSession session, WebSocketCloseStatus status, String reason) {
        session.end(status);
        byId.remove(session.id(), session);
        for (Channel console : session.consoles()) {
            close(console, status, reason);
        }
    }

    /** Ends every session idle past the timeout. */
    void expire() {
        long now = clock.getAsLong();
        for (WebSession session : byId.values()) {
            if (now - session.lastUsedNanos() > idleNanos) {
                end(session, "session expired");
            }
        }
    }

    /**
     * Ends every session (the gateway stops): consoles close with 1001 (going away), not 1008, so
     * that a page tells "the gateway went away, reconnecting" from "you were logged out".
     */
    void endAll(String reason) {
        for (WebSession session : byId.values()) {
            end(session, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, reason);
        }
    }

    /**
     * Counts a console of {@code session}'s user, if under the limit, before its handshake: counted
     * after it, two consoles opened at once could both pass (or the earlier one be refused). The
     * count is given back when {@code console} closes.
     *
     * @return false when the user has {@code max-consoles-per-user} open already
     */
    boolean admitConsole(WebSession session, Channel console) {
        AtomicInteger count = consolesPerUser.computeIfAbsent(session.user().name(), u -> new AtomicInteger());
        if (count.incrementAndGet() > maxConsolesPerUser) {
            count.decrementAndGet();
            return false;
        }
        console.closeFuture().addListener(f -> count.decrementAndGet());
        return true;
    }

    /** An admitted console, its handshake done, joins its session: it closes when the session ends. */
    void attachConsole(WebSession session, Channel console) {
        session.consoles().add(console);
        console.closeFuture().addListener(f -> session.consoles().remove(console));
        if (session.ended()) {
            close(console, session.closeStatus(), "session ended");
        }
    }

    int sessionCount() {
        return byId.size();
    }

    private static void close(Channel console, WebSocketCloseStatus status, String reason) {
        console.writeAndFlush(new CloseWebSocketFrame(status.code(), reason)).addListener(f -> console.close());
    }
}
