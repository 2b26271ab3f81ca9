package io.procgate.host.stats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two kernel constants needed to read {@code /proc/PID/stat}: clock ticks per second (CPU
 * times are in ticks) and the page size (resident memory is in pages). Read from the auxiliary
 * vector the kernel gave this process ({@code /proc/self/auxv}), which is what {@code sysconf}
 * answers from; the usual values where it cannot be read.
 */
record ProcFacts(long clockTicksPerSecond, long pageBytes) {
    private static final long AT_PAGESZ = 6;
    private static final long AT_CLKTCK = 17;
    private static final long USUAL_CLOCK_TICKS = 100;
    private static final long USUAL_PAGE_BYTES = 4096;

    static ProcFacts read() {
        long ticks = USUAL_CLOCK_TICKS;
        long page = USUAL_PAGE_BYTES;
        try {
            ByteBuffer auxv = ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv")))
                    .order(ByteOrder.nativeOrder());
            // Pairs of native words (type, value), ended by type 0. 64-bit Linux only, as Netty's epoll.
            while (auxv.remaining() >= 2 * Long.BYTES) {
                long type = auxv.getLong();
                long value = auxv.getLong();
                if (type == 0) {
                    break;
                } else if (type == AT_CLKTCK && value > 0) {
                    ticks = value;
                } else if (type == AT_PAGESZ && value > 0) {
                    page = value;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Keep the usual values: right on every x86-64 and arm64 Linux in practice.
        }
        return new ProcFacts(ticks, page);
    }
}
