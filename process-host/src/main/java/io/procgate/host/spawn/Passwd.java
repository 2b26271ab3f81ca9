package io.procgate.host.spawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads the local account databases ({@code /etc/passwd}, {@code /etc/group}) without native
 * code. Accounts served only by NSS modules (LDAP...) are not seen; name them by number then.
 */
public final class Passwd {
    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Path GROUP = Path.of("/etc/group");

    /** One {@code /etc/passwd} entry. */
    public record Account(String name, int uid, int gid, Path home) {}

    private Passwd() {}

    /** The account by login name, or by numeric uid. */
    public static Optional<Account> user(String nameOrUid) {
        return lines(PASSWD).stream()
                .map(line -> line.split(":", -1))
                .filter(f -> f.length >= 7)
                .filter(f -> f[0].equals(nameOrUid) || f[2].equals(nameOrUid))
                .findFirst()
                .map(f -> new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Path.of(f[5])));
    }

    /** The account of {@code uid}. */
    public static Optional<Account> byUid(int uid) {
        return user(Integer.toString(uid));
    }

    /** A group's id by name or number. */
    public static Optional<Integer> group(String nameOrGid) {
        if (nameOrGid.chars().allMatch(Character::isDigit)) {
            return Optional.of(Integer.parseInt(nameOrGid));
        }
        return lines(GROUP).stream()
                .map(line -> line.split(":", -1))
                .filter(f -> f.length >= 3 && f[0].equals(nameOrGid))
                .findFirst()
                .map(f -> Integer.parseInt(f[2]));
    }

    /** The effective uid of this JVM (from {@code /proc/self/status}). */
    public static int currentUid() {
        for (String line : lines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.split("\\s+")[2]);
            }
        }
        throw new IllegalStateException("cannot read the gateway's uid from /proc/self/status");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }
}
