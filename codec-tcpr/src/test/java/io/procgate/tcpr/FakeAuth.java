package io.procgate.tcpr;

import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.auth.PasswordHasher;
import io.procgate.core.auth.StoredPassword;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Password and throttle stand-ins for handler tests. */
final class FakeAuth {
    private FakeAuth() {}

    static StoredPassword password(String secret, boolean plain) {
        byte[] expected = secret.getBytes(StandardCharsets.UTF_8);
        return new StoredPassword() {
            @Override
            public boolean matches(byte[] candidate) {
                return MessageDigest.isEqual(expected, candidate);
            }

            @Override
            public boolean isPlainText() {
                return plain;
            }
        };
    }

    /** Hashes are {@code fake:<password>}: enough to tell which key the plugin read. */
    static final PasswordHasher HASHER = new PasswordHasher() {
        @Override
        public String hash(char[] password) {
            return "fake:" + new String(password);
        }

        @Override
        public StoredPassword parseHash(String encoded) {
            if (!encoded.startsWith("fake:")) {
                throw new IllegalArgumentException("unknown hash format");
            }
            return password(encoded.substring(5), false);
        }

        @Override
        public StoredPassword plainText(String password) {
            return password(password, true);
        }
    };

    static final class Throttle implements LoginThrottle {
        final List<InetAddress> failures = new CopyOnWriteArrayList<>();
        final List<InetAddress> successes = new CopyOnWriteArrayList<>();
        final Set<InetAddress> blocked = ConcurrentHashMap.newKeySet();

        @Override
        public boolean isBlocked(InetAddress address) {
            return blocked.contains(address);
        }

        @Override
        public void recordFailure(InetAddress address) {
            failures.add(address);
        }

        @Override
        public void recordSuccess(InetAddress address) {
            successes.add(address);
        }
    }
}
