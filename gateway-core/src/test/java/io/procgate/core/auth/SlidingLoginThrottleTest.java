package io.procgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SlidingLoginThrottleTest {
    private long now = 1_000_000_000L;
    private final SlidingLoginThrottle throttle = new SlidingLoginThrottle(() -> now, 100);
    private final InetAddress a = address("10.0.0.1");
    private final InetAddress b = address("10.0.0.2");

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private void advance(long amount, TimeUnit unit) {
        now += unit.toNanos(amount);
    }

    private void fail(InetAddress address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.recordFailure(address);
        }
    }

    @Test
    void fourFailuresDoNotBlock() {
        fail(a, 4);
        assertThat(throttle.isBlocked(a)).isFalse();
    }

    @Test
    void fiveFailuresWithinAMinuteBlockForOneSecond() {
        for (int i = 0; i < 5; i++) {
            if (i > 0) {
                advance(10, TimeUnit.SECONDS);
            }
            throttle.recordFailure(a);
        }
        assertThat(throttle.isBlocked(a)).isTrue();
        assertThat(throttle.isBlocked(b)).isFalse();
        advance(999, TimeUnit.MILLISECONDS);
        assertThat(throttle.isBlocked(a)).isTrue();
        advance(1, TimeUnit.MILLISECONDS);
        assertThat(throttle.isBlocked(a)).isFalse();
    }

    @Test
    void fiveFailuresSpreadOverMoreThanAMinuteDoNotBlock() {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure(a);
            advance(16, TimeUnit.SECONDS);
        }
        assertThat(throttle.isBlocked(a)).isFalse();
    }

    @Test
    void eachFurtherFailureDoublesTheBlockUpToFiveMinutes() {
        fail(a, 5);
        assertThat(throttle.remainingBlockNanos(a)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        long expected = TimeUnit.SECONDS.toNanos(1);
        for (int i = 0; i < 12; i++) {
            now += throttle.remainingBlockNanos(a); // the block expires; the client tries again and fails
            assertThat(throttle.isBlocked(a)).isFalse();
            throttle.recordFailure(a);
            expected = Math.min(expected * 2, TimeUnit.MINUTES.toNanos(5));
            assertThat(throttle.remainingBlockNanos(a)).isEqualTo(expected);
        }
        assertThat(expected).isEqualTo(TimeUnit.MINUTES.toNanos(5));
    }

    @Test
    void aQuietMinuteAfterTheBlockStartsOver() {
        fail(a, 5);
        advance(1, TimeUnit.SECONDS);
        advance(61, TimeUnit.SECONDS);
        throttle.recordFailure(a);
        assertThat(throttle.isBlocked(a)).isFalse();
        fail(a, 4);
        assertThat(throttle.remainingBlockNanos(a)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void successDoesNotForgive() {
        fail(a, 4);
        throttle.recordSuccess(a);
        fail(a, 1);
        assertThat(throttle.isBlocked(a)).isTrue();
    }

    @Test
    void ipv6IsCountedPerSlash64() {
        fail(address("2001:db8::1"), 3);
        fail(address("2001:db8::2"), 2);
        assertThat(throttle.isBlocked(address("2001:db8::ffff"))).isTrue();
        assertThat(throttle.isBlocked(address("2001:db8:0:1::1"))).isFalse();
    }

    @Test
    void memoryIsBounded() {
        for (int i = 0; i < 1000; i++) {
            throttle.recordFailure(address("10.1." + (i / 256) + "." + (i % 256)));
        }
        assertThat(throttle.size()).isEqualTo(100);
        advance(2, TimeUnit.MINUTES);
        throttle.recordFailure(a);
        assertThat(throttle.size()).isEqualTo(1);
    }
}
