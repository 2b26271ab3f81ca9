package io.procgate.core;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** The socket file of a unix-socket listener: cleared before bind, chmod-ed after, removed at stop. */
final class UnixSocketFiles {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UnixSocketFiles() {}

    /**
     * Makes {@code path} free to bind: a stale socket file (nobody accepts on it) is deleted; a
     * live one, or any other kind of file, is an error.
     */
    static void prepare(String protocol, Path path) {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new GatewayException(
                    protocol + ": cannot listen on unix:" + path + ": directory " + parent + " does not exist");
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new GatewayException(
                    protocol + ": cannot listen on unix:" + path + ": the file exists and is not a socket");
        }
        if (isLive(path)) {
            throw new GatewayException(
                    protocol + ": cannot listen on unix:" + path + ": another process is listening on it");
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new GatewayException(protocol + ": cannot remove stale socket " + path + ": " + e.getMessage(), e);
        }
    }

    static void chmod(String protocol, Path path, int mode) {
        try {
            Files.setPosixFilePermissions(path, permissions(mode));
        } catch (IOException | UnsupportedOperationException e) {
            throw new GatewayException(
                    protocol + ": cannot set mode " + octal(mode) + " on " + path + ": " + e.getMessage(), e);
        }
    }

    /** Removes the socket file if it is still a socket (never someone else's regular file). */
    static void remove(Path path) {
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && isSocket(path)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // best effort at shutdown; the next start replaces a stale file anyway
        }
    }

    static String octal(int mode) {
        return String.format("%04o", mode);
    }

    private static boolean isSocket(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isLive(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(bits[i]);
            }
        }
        return perms;
    }
}
