package io.procgate.host.limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks {@code limits.open-files} against what the gateway may grant: {@code prlimit} sets the
 * child's {@code RLIMIT_NOFILE} before it switches user, and only root (CAP_SYS_RESOURCE) may raise
 * a hard limit past the gateway's own.
 */
public final class OpenFilesLimit {
    private static final String LINE = "Max open files";
    private static final String UNLIMITED = "unlimited";

    private OpenFilesLimit() {}

    /** Why {@code wanted} cannot be applied, or null if it can. */
    public static String problem(long wanted, boolean gatewayIsRoot) {
        if (wanted <= 0 || gatewayIsRoot) {
            return null;
        }
        long hard = gatewayHardLimit();
        if (hard >= 0 && wanted > hard) {
            return "limits.open-files = " + wanted + " is above the gateway's own hard limit " + hard
                    + " (raising it needs root)";
        }
        return null;
    }

    /** The gateway's hard RLIMIT_NOFILE from {@code /proc/self/limits}; -1 for unlimited or unknown. */
    static long gatewayHardLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith(LINE)) {
                    // "Max open files            1024                 524288               files"
                    String[] f = line.substring(LINE.length()).trim().split("\\s+");
                    return f[1].equals(UNLIMITED) ? -1 : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
