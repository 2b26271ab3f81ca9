package io.procgate.host.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login accounts from {@code /etc/passwd}, read without native code: uid to login name, and a
 * login's home directory. The file is re-read when its modification time changes. Accounts that
 * only a name service (LDAP, NIS) knows are not found; callers treat them as unknown.
 *
 * <p>Thread-safe.
 */
public final class Passwd {
    private static final Logger LOG = LoggerFactory.getLogger(Passwd.class);
    private static final Passwd SYSTEM = new Passwd(Path.of("/etc/passwd"));

    /** One line of the file. */
    public record Account(String name, int uid, int gid, Path home) {}

    private record Snapshot(FileTime modified, Map<Integer, Account> byUid, Map<String, Account> byName) {}

    private final Path file;
    private volatile Snapshot snapshot = new Snapshot(null, Map.of(), Map.of());

    public Passwd(Path file) {
        this.file = file;
    }

    /** The system's {@code /etc/passwd}. */
    public static Passwd system() {
        return SYSTEM;
    }

    public Optional<Account> byUid(int uid) {
        return Optional.ofNullable(current().byUid().get(uid));
    }

    public Optional<Account> byName(String name) {
        return Optional.ofNullable(current().byName().get(name));
    }

    /** An account by login name, or by numeric uid when no login has that name. */
    public Optional<Account> byNameOrUid(String nameOrUid) {
        Optional<Account> byName = byName(nameOrUid);
        if (byName.isPresent() || nameOrUid.isEmpty() || !nameOrUid.chars().allMatch(Character::isDigit)) {
            return byName;
        }
        return byUid(Integer.parseInt(nameOrUid));
    }

    /** The login name of {@code uid}. */
    public Optional<String> loginName(int uid) {
        return byUid(uid).map(Account::name);
    }

    /** The home directory of {@code login}. */
    public Optional<Path> home(String login) {
        return byName(login).map(Account::home);
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return s;
        }
        if (modified.equals(s.modified())) {
            return s;
        }
        synchronized (this) {
            if (modified.equals(snapshot.modified())) {
                return snapshot;
            }
            try {
                snapshot = parse(modified, Files.readAllLines(file, StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot read {}: {}", file, e.toString());
            }
            return snapshot;
        }
    }

    static Snapshot parse(FileTime modified, List<String> lines) {
        Map<Integer, Account> byUid = new HashMap<>();
        Map<String, Account> byName = new HashMap<>();
        for (String line : lines) {
            // name:password:uid:gid:gecos:home:shell
            String[] f = line.split(":", -1);
            if (f.length < 7
                    || f[0].isEmpty()
                    || f[0].startsWith("#")
                    || f[0].startsWith("+")
                    || f[0].startsWith("-")) {
                continue;
            }
            try {
                Account a = new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Path.of(f[5]));
                byUid.putIfAbsent(a.uid(), a); // the first name of a uid wins, as getpwuid does
                byName.putIfAbsent(a.name(), a);
            } catch (RuntimeException e) {
                // a malformed line: skip it, as libc does
            }
        }
        return new Snapshot(modified, Map.copyOf(byUid), Map.copyOf(byName));
    }

    /** A group's id by name (from {@code /etc/group}) or by number. */
    public static Optional<Integer> groupId(String nameOrGid) {
        if (!nameOrGid.isEmpty() && nameOrGid.chars().allMatch(Character::isDigit)) {
            return Optional.of(Integer.parseInt(nameOrGid));
        }
        try {
            for (String line : Files.readAllLines(Path.of("/etc/group"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && f[0].equals(nameOrGid)) {
                    return Optional.of(Integer.parseInt(f[2]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("cannot read /etc/group: {}", e.toString());
        }
        return Optional.empty();
    }

    /**
     * The effective uid of this JVM (from {@code /proc/self/status}), read once: it never changes,
     * and a start must not fail on it when descriptors have run out.
     */
    public static int currentUid() {
        return OwnUid.VALUE;
    }

    /** Holds the uid, read at first use (class initialisation is lazy and thread-safe). */
    private static final class OwnUid {
        static final int VALUE = readCurrentUid();
    }

    private static int readCurrentUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[2]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the gateway's uid from /proc/self/status", e);
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }
}
