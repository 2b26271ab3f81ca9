package io.procgate.core.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The tcprocd login throttle (tcprocd spec, section 4). Per source address it keeps the times of
 * the last {@value #FAILURES_BEFORE_BLOCK} failures. When that many fall within {@link #WINDOW},
 * the address is blocked for {@link #FIRST_BLOCK}; every further failure from it (possible once a
 * block has expired) blocks it again for twice as long as the last time, up to {@link #MAX_BLOCK}.
 * The doubling starts over once the address has been quiet for a window after its last block.
 *
 * <p>IPv6 addresses are counted per /64 network, since one host usually owns the whole /64.
 *
 * <p>Memory is bounded: entries are forgotten once they can no longer block, and at most {@code
 * maxEntries} addresses are tracked (the least recently active is dropped first). Thread-safe; the
 * work per call is small and done under one lock.
 */
public final class SlidingLoginThrottle implements LoginThrottle {
    public static final long WINDOW = TimeUnit.MINUTES.toNanos(1);
    public static final long FIRST_BLOCK = TimeUnit.SECONDS.toNanos(1);
    public static final long MAX_BLOCK = TimeUnit.MINUTES.toNanos(5);
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private final LongSupplier nanoClock;
    private final int maxEntries;
    /** In access order: the eldest entry is the least recently active address. */
    private final LinkedHashMap<AddressKey, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    /** Per-address state. Times are from {@link #nanoClock}. */
    private static final class Entry {
        final long[] failures = new long[FAILURES_BEFORE_BLOCK]; // ring of the latest failure times
        int count; // failures recorded, saturating at the ring size
        int next; // ring index of the next write
        long lastFailure;
        long blockedUntil;
        long lastBlock; // length of the latest block, 0 while not in the doubling phase

        boolean blocked(long now) {
            return lastBlock > 0 && now - blockedUntil < 0;
        }

        boolean expired(long now) {
            if (lastBlock > 0) {
                return now - blockedUntil >= WINDOW;
            }
            return now - lastFailure >= WINDOW;
        }
    }

    public SlidingLoginThrottle() {
        this(System::nanoTime, DEFAULT_MAX_ENTRIES);
    }

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; tests inject one)
     * @param maxEntries the most addresses tracked at once
     */
    public SlidingLoginThrottle(LongSupplier nanoClock, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.nanoClock = nanoClock;
        this.maxEntries = maxEntries;
    }

    @Override
    public boolean isBlocked(InetAddress address) {
        long now = nanoClock.getAsLong();
        synchronized (entries) {
            Entry e = entries.get(AddressKey.of(address));
            return e != null && e.blocked(now);
        }
    }

    /** How long {@code address} stays blocked from now, in nanoseconds (0 when it is not). */
    public long remainingBlockNanos(InetAddress address) {
        long now = nanoClock.getAsLong();
        synchronized (entries) {
            Entry e = entries.get(AddressKey.of(address));
            return e != null && e.blocked(now) ? e.blockedUntil - now : 0;
        }
    }

    @Override
    public void recordFailure(InetAddress address) {
        long now = nanoClock.getAsLong();
        AddressKey key = AddressKey.of(address);
        synchronized (entries) {
            evictExpired(now);
            Entry e = entries.get(key);
            if (e != null && e.expired(now)) {
                e = null; // start over
            }
            if (e == null) {
                e = new Entry();
                entries.put(key, e);
                if (entries.size() > maxEntries) {
                    Iterator<AddressKey> eldest = entries.keySet().iterator();
                    eldest.next();
                    eldest.remove();
                }
            }
            e.failures[e.next] = now;
            e.next = (e.next + 1) % e.failures.length;
            e.count = Math.min(e.count + 1, e.failures.length);
            e.lastFailure = now;
            if (e.lastBlock > 0) {
                e.lastBlock = Math.min(e.lastBlock * 2, MAX_BLOCK);
                e.blockedUntil = now + e.lastBlock;
            } else if (e.count == e.failures.length && now - e.failures[e.next] < WINDOW) {
                // e.next now points at the oldest of the last FAILURES_BEFORE_BLOCK failures
                e.lastBlock = FIRST_BLOCK;
                e.blockedUntil = now + FIRST_BLOCK;
            }
        }
    }

    /** The number of addresses tracked now (for tests and metrics). */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Drops entries that can no longer block, oldest activity first; stops at the first live one. */
    private void evictExpired(long now) {
        Iterator<Map.Entry<AddressKey, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (!e.expired(now)) {
                break;
            }
            it.remove();
        }
    }

    /** An address reduced to what is throttled: all of IPv4, the /64 of IPv6. */
    private record AddressKey(byte[] bytes) {
        static AddressKey of(InetAddress address) {
            byte[] raw = address.getAddress();
            if (address instanceof Inet6Address) {
                raw = Arrays.copyOf(raw, 8);
            }
            return new AddressKey(raw);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AddressKey other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return Arrays.toString(bytes);
        }
    }
}
