package io.procgate.core.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2 with HMAC-SHA256 from the JDK: a 16-byte random salt and, by default, 210 000 iterations
 * (OWASP's 2023 advice for this hash). The text form is
 * {@code pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>}, with standard base64 and padding.
 *
 * <p>Passwords are the UTF-8 bytes the client sent; a candidate that is not valid UTF-8 never
 * matches, but costs the same time. Comparisons use {@link MessageDigest#isEqual}, whose time does
 * not depend on where the values differ. Plain-text passwords are compared as SHA-256 digests so
 * that not even their length shows in the timing.
 */
public final class Pbkdf2PasswordHasher implements PasswordHasher {
    public static final String PREFIX = "pbkdf2-sha256";
    public static final int DEFAULT_ITERATIONS = 210_000;
    /** Parsed hashes may use fewer iterations (tests do), but not absurdly few or many. */
    public static final int MIN_ITERATIONS = 1_000;

    public static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    public Pbkdf2PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    /** A hasher making hashes with {@code iterations} rounds (fewer than the default only in tests). */
    public Pbkdf2PasswordHasher(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations out of range " + MIN_ITERATIONS + "-" + MAX_ITERATIONS);
        }
        this.iterations = iterations;
    }

    @Override
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * @throws IllegalArgumentException with a short reason when {@code encoded} is not a hash this
     *     class made
     */
    @Override
    public StoredPassword parseHash(String encoded) {
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("not a " + PREFIX + "$<iterations>$<salt>$<hash> value"
                    + " (make one with ./gateway hash-password)");
        }
        int rounds;
        try {
            rounds = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad iteration count: " + parts[1]);
        }
        if (rounds < MIN_ITERATIONS || rounds > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iteration count out of range " + MIN_ITERATIONS + "-" + MAX_ITERATIONS);
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad base64 in salt or hash");
        }
        if (salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("salt or hash too short");
        }
        return new Hashed(rounds, salt, hash);
    }

    @Override
    public StoredPassword plainText(String password) {
        return new Plain(sha256(password.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A stored password that matches nothing but costs as much to check as a real hash with {@code
     * iterations} rounds: what unknown users are compared against.
     */
    public StoredPassword dummy(int rounds) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(hash);
        return new Hashed(rounds, salt, hash) {
            @Override
            public boolean matches(byte[] candidate) {
                super.matches(candidate); // spend the time, never succeed
                return false;
            }
        };
    }

    /** How many iterations {@code stored} costs, or 0 for plain text. */
    public static int iterationsOf(StoredPassword stored) {
        return stored instanceof Hashed h ? h.rounds : 0;
    }

    private static byte[] derive(char[] password, byte[] salt, int rounds) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, rounds, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Decodes UTF-8 strictly; malformed input gives null (and must then never match). */
    private static char[] decodeUtf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            return out;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static class Hashed implements StoredPassword {
        private final int rounds;
        private final byte[] salt;
        private final byte[] hash;

        Hashed(int rounds, byte[] salt, byte[] hash) {
            this.rounds = rounds;
            this.salt = salt;
            this.hash = hash;
        }

        @Override
        public boolean matches(byte[] candidate) {
            char[] chars = decodeUtf8(candidate);
            boolean valid = chars != null;
            if (!valid) {
                chars = new char[0]; // still derive, so that bad input costs the same time
            }
            byte[] derived = derive(chars, salt, rounds);
            Arrays.fill(chars, '\0');
            boolean equal = derived.length == hash.length && MessageDigest.isEqual(derived, hash);
            return equal & valid;
        }

        @Override
        public boolean isPlainText() {
            return false;
        }

        @Override
        public String toString() {
            return PREFIX + "$" + rounds + "$...";
        }
    }

    private static final class Plain implements StoredPassword {
        private final byte[] digest;

        Plain(byte[] digest) {
            this.digest = digest;
        }

        @Override
        public boolean matches(byte[] candidate) {
            return MessageDigest.isEqual(sha256(candidate), digest);
        }

        @Override
        public boolean isPlainText() {
            return true;
        }

        @Override
        public String toString() {
            return "(plain text)";
        }
    }
}
