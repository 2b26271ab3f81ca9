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
 * @param statsInterval how often the live figures of running processes are sampled from /proc
 */
public record HostSettings(
        Path dataDir,
        long retentionBytes,
        long segmentBytes,
        int maxLineBytes,
        int stdinBufferBytes,
        boolean allowRootChildren,
        Duration stopAllTimeout,
        Duration statsInterval) {

    public static final long DEFAULT_RETENTION_BYTES = 1L << 30;
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_LINE_BYTES = 64 << 10;
    public static final int DEFAULT_STDIN_BUFFER_BYTES = 1 << 20;
    public static final Duration DEFAULT_STOP_ALL_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(2);
    /** Sampling /proc more often than this costs more than the figures are worth. */
    public static final Duration MIN_STATS_INTERVAL = Duration.ofMillis(100);

    private static final long MIN_SEGMENT_BYTES = 4096;

    /** Settings sampling live figures every {@link #DEFAULT_STATS_INTERVAL}. */
    public HostSettings(
            Path dataDir,
            long retentionBytes,
            long segmentBytes,
            int maxLineBytes,
            int stdinBufferBytes,
            boolean allowRootChildren,
            Duration stopAllTimeout) {
        this(
                dataDir,
                retentionBytes,
                segmentBytes,
                maxLineBytes,
                stdinBufferBytes,
                allowRootChildren,
                stopAllTimeout,
                DEFAULT_STATS_INTERVAL);
    }

    public HostSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(stopAllTimeout, "stopAllTimeout");
        Objects.requireNonNull(statsInterval, "statsInterval");
        if (statsInterval.compareTo(MIN_STATS_INTERVAL) < 0) {
            throw new IllegalArgumentException(
                    "stats-interval must be at least " + MIN_STATS_INTERVAL.toMillis() + "ms");
        }
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
                DEFAULT_STOP_ALL_TIMEOUT,
                DEFAULT_STATS_INTERVAL);
    }

    public HostSettings withRetention(long retention, long segment) {
        return new HostSettings(
                dataDir,
                retention,
                segment,
                maxLineBytes,
                stdinBufferBytes,
                allowRootChildren,
                stopAllTimeout,
                statsInterval);
    }

    public HostSettings withMaxLineBytes(int max) {
        return new HostSettings(
                dataDir,
                retentionBytes,
                segmentBytes,
                max,
                stdinBufferBytes,
                allowRootChildren,
                stopAllTimeout,
                statsInterval);
    }

    public HostSettings withAllowRootChildren(boolean allow) {
        return new HostSettings(
                dataDir,
                retentionBytes,
                segmentBytes,
                maxLineBytes,
                stdinBufferBytes,
                allow,
                stopAllTimeout,
                statsInterval);
    }

    public HostSettings withStatsInterval(Duration interval) {
        return new HostSettings(
                dataDir,
                retentionBytes,
                segmentBytes,
                maxLineBytes,
                stdinBufferBytes,
                allowRootChildren,
                stopAllTimeout,
                interval);
    }
}
