package io.procgate.http;

import io.procgate.core.auth.User;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The one-time console link of a gateway without users (docs/web.md, "First run"): a fresh random
 * token per start, held in memory only, printed once as {@code web console: http://HOST:PORT/?token=TOKEN};
 * opening it logs the browser in as an admin for this run. The admin is named after the gateway's
 * own account, so what it starts is owned as if started over the gateway's own unix socket.
 */
final class FirstRunLink {
    private final String token;
    private final User admin;

    FirstRunLink(String token, String accountName) {
        this.token = token;
        this.admin = new User(accountName, null, true, null);
    }

    User admin() {
        return admin;
    }

    /** Whether {@code candidate} is this run's token (compared in constant time). */
    boolean matches(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(
                        token.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** The line to print for a listener bound to {@code bound}. */
    String line(InetSocketAddress bound, boolean tls) {
        return "web console: " + (tls ? "https" : "http") + "://" + hostOf(bound) + ":" + bound.getPort() + "/?token="
                + token;
    }

    /** The bound host as a browser can reach it: a wildcard address means this machine. */
    private static String hostOf(InetSocketAddress bound) {
        InetAddress address = bound.getAddress();
        if (address == null || address.isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        String text = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + text.replaceFirst("%.*$", "") + "]" : text;
    }
}
