package io.procgate.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code <data-dir>/gateway.lock}, held while the gateway runs: two gateways
 * writing the same histories would corrupt them. The kernel drops the lock if the JVM dies.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE = "gateway.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new GatewayException(
                        "data directory " + dataDir.toAbsolutePath() + " is in use by another gateway");
            }
            return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            close(channel);
            throw new GatewayException(
                    "data directory " + dataDir.toAbsolutePath() + " is in use by another gateway in this JVM");
        } catch (IOException e) {
            close(channel);
            throw new GatewayException("cannot use data directory " + dataDir.toAbsolutePath() + ": " + e, e);
        } catch (GatewayException e) {
            close(channel);
            throw e;
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
    }
}
