package io.procgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Pbkdf2PasswordHasherTest {
    private final Pbkdf2PasswordHasher hasher = new Pbkdf2PasswordHasher(1000);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hashHasTheDocumentedTextForm() {
        String hash = hasher.hash("secret".toCharArray());
        assertThat(hash).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}");
        assertThat(new Pbkdf2PasswordHasher().hash("x".toCharArray())).startsWith("pbkdf2-sha256$210000$");
    }

    @Test
    void hashIsSalted() {
        assertThat(hasher.hash("same".toCharArray())).isNotEqualTo(hasher.hash("same".toCharArray()));
    }

    @Test
    void parsedHashMatchesOnlyItsPassword() {
        StoredPassword stored = hasher.parseHash(hasher.hash("myültrasecret".toCharArray()));
        assertThat(stored.isPlainText()).isFalse();
        assertThat(stored.matches(utf8("myültrasecret"))).isTrue();
        assertThat(stored.matches(utf8("myultrasecret"))).isFalse();
        assertThat(stored.matches(utf8(""))).isFalse();
        assertThat(stored.matches(new byte[] {(byte) 0xff, (byte) 0xfe})).isFalse();
    }

    @Test
    void plainTextMatchesExactly() {
        StoredPassword plain = hasher.plainText("pw");
        assertThat(plain.isPlainText()).isTrue();
        assertThat(plain.matches(utf8("pw"))).isTrue();
        assertThat(plain.matches(utf8("pw "))).isFalse();
        assertThat(plain.matches(utf8("p"))).isFalse();
        assertThat(plain.toString()).doesNotContain("pw");
    }

    @Test
    void malformedHashesAreRejected() {
        assertThatThrownBy(() -> hasher.parseHash("plain")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hasher.parseHash("pbkdf2-sha256$x$AAAA$AAAA")).hasMessageContaining("iteration");
        assertThatThrownBy(() -> hasher.parseHash(
                        "pbkdf2-sha256$10$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
                .hasMessageContaining("range");
        assertThatThrownBy(() -> hasher.parseHash("pbkdf2-sha256$1000$!!$AAAA")).hasMessageContaining("base64");
    }

    @Test
    void dummyNeverMatches() {
        StoredPassword dummy = hasher.dummy(1000);
        assertThat(dummy.matches(utf8(""))).isFalse();
        assertThat(dummy.matches(utf8("anything"))).isFalse();
    }
}
