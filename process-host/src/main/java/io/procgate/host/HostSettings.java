package io.procgate.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The process host's limits, validated once.
 *
 * @param dataDir where histories live, one folder per process name
 * @param retentionBytes history kept per process; older segments are deleted beyond it
 * @param segmentBytes size at which a history segment is closed and a new one begun
 * @param maxLineBytes longer output lines are split into pieces of this size
 * @param stdinBufferBytes stdin bytes queued for a process that is not reading before writes fail
 * @param allowRootChildren whether a child may run as root
 * @param stopAllTimeout how long {@link ProcessHost#close()} waits for children to stop
 */
public record HostSettings(
        Path dataDir,
        long retentionBytes,
        long segmentBytes,
        int maxLineBytes,
        int stdinBufferBytes,
        boolean allowRootChildren,
        Duration stopAllTimeout) {

    public static final long DEFAULT_RETENTION_BYTES = 1L << 30;
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_LINE_BYTES = 64 << 10;
    public static final int DEFAULT_STDIN_BUFFER_BYTES = 1 << 20;
    public static final Duration DEFAULT_STOP_ALL_TIMEOUT = Duration.ofSeconds(60);
    private static final long MIN_SEGMENT_BYTES = 4096;

    public HostSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(stopAllTimeout, "stopAllTimeout");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("max line length must be positive: " + maxLineBytes);
        }
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("history segment size must be at least " + MIN_SEGMENT_BYTES);
        }
        if (retentionBytes < segmentBytes) {
            throw new IllegalArgumentException(
                    "history retention must be at least one segment (" + segmentBytes + " bytes)");
        }
        if (stdinBufferBytes < 1) {
            throw new IllegalArgumentException("stdin buffer must be positive: " + stdinBufferBytes);
        }
    }

    public static HostSettings defaults(Path dataDir) {
        return new HostSettings(
                dataDir,
                DEFAULT_RETENTION_BYTES,
                DEFAULT_SEGMENT_BYTES,
                DEFAULT_MAX_LINE_BYTES,
                DEFAULT_STDIN_BUFFER_BYTES,
                false,
                DEFAULT_STOP_ALL_TIMEOUT);
    }

    public HostSettings withRetention(long retention, long segment) {
        return new HostSettings(
                dataDir, retention, segment, maxLineBytes, stdinBufferBytes, allowRootChildren, stopAllTimeout);
    }

    public HostSettings withMaxLineBytes(int max) {
        return new HostSettings(
                dataDir, retentionBytes, segmentBytes, max, stdinBufferBytes, allowRootChildren, stopAllTimeout);
    }

    public HostSettings withAllowRootChildren(boolean allow) {
        return new HostSettings(
                dataDir, retentionBytes, segmentBytes, maxLineBytes, stdinBufferBytes, allow, stopAllTimeout);
    }
}
