package io.procgate.http;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open connections of one HTTP listener, in all ({@code gateway.http.max-connections}) and per
 * client address ({@code max-connections-per-address}): a connection past either is closed at once,
 * before a byte is read, so one client cannot take every socket a browser console needs.
 */
final class ConnectionLimits {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimits.class);

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts {@code ch} until it closes; false (and closed) when over a limit. */
    boolean admit(Channel ch) {
        InetAddress address = ApiHandler.addressOf(ch.remoteAddress());
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            LOG.warn("http: refusing a connection from {}: {} open (max-connections)", address, maxTotal);
            ch.close();
            return false;
        }
        AtomicInteger mine = address == null ? null : perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (mine != null && mine.incrementAndGet() > maxPerAddress) {
            mine.decrementAndGet();
            total.decrementAndGet();
            LOG.warn(
                    "http: refusing a connection from {}: {} open from there (max-connections-per-address)",
                    address,
                    maxPerAddress);
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f -> {
            total.decrementAndGet();
            if (mine != null && mine.decrementAndGet() == 0) {
                perAddress.remove(address, mine);
            }
        });
        return true;
    }
}
