package io.procgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserTableAuthenticatorTest {
    private static final int ROUNDS = 40_000;
    private final Pbkdf2PasswordHasher hasher = new Pbkdf2PasswordHasher(ROUNDS);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private User hashed(String name, String pw, boolean admin) {
        return new User(name, hasher.parseHash(hasher.hash(pw.toCharArray())), admin, null);
    }

    @Test
    void authenticatesConfiguredUsers() {
        UserTableAuthenticator auth = new UserTableAuthenticator(
                hasher,
                List.of(
                        hashed("knoppo", "myultrasecretpassword", true),
                        new User("plain", hasher.plainText("pw"), false, null),
                        new User("nopass", null, false, null)));
        assertThat(auth.authenticate("knoppo", utf8("myultrasecretpassword")))
                .map(User::admin)
                .contains(true);
        assertThat(auth.authenticate("knoppo", utf8("wrong"))).isEmpty();
        assertThat(auth.authenticate("plain", utf8("pw"))).isPresent();
        assertThat(auth.authenticate("nopass", utf8(""))).isEmpty();
        assertThat(auth.authenticate("ghost", utf8("x"))).isEmpty();
        assertThat(auth.authenticate(null, utf8("x"))).isEmpty();
        assertThat(auth.lookup("nopass")).isPresent();
        assertThat(auth.lookup("ghost")).isEmpty();
    }

    @Test
    void tableCanBeReplacedAtRuntime() {
        UserTableAuthenticator auth =
                new UserTableAuthenticator(hasher, List.of(new User("a", hasher.plainText("1"), false, null)));
        assertThat(auth.authenticate("a", utf8("1"))).isPresent();
        auth.replaceUsers(List.of(new User("b", hasher.plainText("2"), false, null)));
        assertThat(auth.authenticate("a", utf8("1"))).isEmpty();
        assertThat(auth.authenticate("b", utf8("2"))).isPresent();
    }

    @Test
    void unknownUserCostsAboutAsMuchAsAWrongPassword() {
        UserTableAuthenticator auth = new UserTableAuthenticator(hasher, List.of(hashed("real", "pw", false)));
        // warm up the JIT on both paths
        for (int i = 0; i < 3; i++) {
            auth.authenticate("real", utf8("nope"));
            auth.authenticate("ghost", utf8("nope"));
        }
        long wrong = Long.MAX_VALUE;
        long unknown = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            auth.authenticate("real", utf8("nope"));
            long t1 = System.nanoTime();
            auth.authenticate("ghost", utf8("nope"));
            long t2 = System.nanoTime();
            wrong = Math.min(wrong, t1 - t0);
            unknown = Math.min(unknown, t2 - t1);
        }
        // Both derive a key with the same iteration count; minimums hide scheduling noise.
        assertThat((double) unknown).isGreaterThan(wrong * 0.5);
        assertThat((double) wrong).isGreaterThan(unknown * 0.5);
    }
}
