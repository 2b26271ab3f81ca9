package io.procgate.host.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write end of a child's stdin pipe. Writes are non-blocking; what the pipe does not take is
 * queued, up to a bound, and written when epoll says the pipe has room. A child that never reads
 * makes {@link #offer} fail once the bound is reached, instead of growing the queue.
 *
 * <p>Offers from any thread go into a lock-free queue; only the first offer after a flush hands the
 * loop a task. The loop copies everything offered by then into one direct buffer and writes it: a
 * client pipelining commands costs a queue insertion per command, not a task, a wake-up and a
 * buffer each.
 */
public final class InputPipe implements EpollIoHandle {
    private final FileDescriptor fd;
    private final IoEventLoop loop;
    private final long maxQueuedBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Offered, not yet copied by the loop (any thread adds, the loop takes). */
    private final Queue<byte[]> offered = PlatformDependent.newMpscQueue();
    /** A task to take {@link #offered} is on the loop's queue or running. */
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** Lines being copied by {@link #takeOffered} (the loop only). */
    private final ArrayList<byte[]> taken = new ArrayList<>();
    /** Copied for the pipe, waiting for it to take them (the loop only). */
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();

    private IoRegistration registration;
    private boolean waitingForRoom;
    /** Buffers per writev; the kernel's IOV_MAX is 1024. */
    private static final int MAX_WRITEV_BUFFERS = 64;
    /** Offered lines are copied into buffers of about this size (a pipe takes 64 KiB at most). */
    private static final int COPY_BYTES = 16 * 1024;

    private final ByteBuffer[] gather = new ByteBuffer[MAX_WRITEV_BUFFERS];
    private volatile boolean closed;

    public InputPipe(FileDescriptor fd, IoEventLoop loop, long maxQueuedBytes) {
        this.fd = fd;
        this.loop = loop;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    /** Registers with no interest until a write falls short; call on the loop. */
    public void register() {
        loop.register(this).addListener(f -> {
            if (!f.isSuccess()) {
                close();
                return;
            }
            registration = (IoRegistration) f.getNow();
            if (closed) {
                registration.cancel();
            } else {
                registration.submit(waitingForRoom ? EpollIoOps.EPOLLOUT : EpollIoOps.NONE);
            }
        });
    }

    /**
     * Queues {@code bytes} for the child. Thread-safe.
     *
     * @return false when the pipe is closed or the bound would be exceeded (nothing queued then)
     */
    public boolean offer(byte[] bytes) {
        if (closed) {
            return false;
        }
        long after = queuedBytes.addAndGet(bytes.length);
        if (after > maxQueuedBytes) {
            queuedBytes.addAndGet(-bytes.length);
            return false;
        }
        offered.add(bytes);
        // Coalesce: lines offered before the loop gets to them (a pipelining client's, or several
        // clients') go out in one write, and the child wakes once for them.
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(this::scheduledFlush);
        }
        return true;
    }

    /**
     * Copies what was offered into direct buffers (native writes need them), in order, each of the
     * size of what it holds (at least {@value #COPY_BYTES} bytes' worth of lines, or the rest), so
     * the memory held stays the bytes queued even when the child takes them a line at a time.
     */
    private void takeOffered() {
        int size = 0;
        byte[] next;
        while ((next = offered.poll()) != null) {
            taken.add(next);
            size += next.length;
            if (size >= COPY_BYTES) {
                copyTaken(size);
                size = 0;
            }
        }
        if (size > 0) {
            copyTaken(size);
        }
    }

    private void copyTaken(int size) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(size, size);
        for (byte[] line : taken) {
            buf.writeBytes(line);
        }
        taken.clear();
        queue.add(buf);
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        EpollIoOps ops = ((EpollIoEvent) event).ops();
        if (ops.contains(EpollIoOps.EPOLLERR)) {
            close(); // the child closed its end of the pipe
            return;
        }
        if (ops.contains(EpollIoOps.EPOLLOUT)) {
            flush();
        }
    }

    /** Runs once per batch of offers: everything offered by then goes out in one write. */
    private void scheduledFlush() {
        // Cleared before taking: an offer from now on schedules the next run itself.
        flushScheduled.set(false);
        if (closed) {
            offered.clear();
            return;
        }
        takeOffered();
        if (!waitingForRoom) {
            flush();
        }
    }

    private void flush() {
        while (!queue.isEmpty()) {
            int count = 0;
            long total = 0;
            for (ByteBuf buf : queue) {
                gather[count++] = buf.nioBuffer();
                total += buf.readableBytes();
                if (count == MAX_WRITEV_BUFFERS) {
                    break;
                }
            }
            long written;
            try {
                written = fd.writev(gather, 0, count, Long.MAX_VALUE);
            } catch (IOException e) {
                close(); // EPIPE: the child does not read stdin any more
                return;
            } finally {
                Arrays.fill(gather, 0, count, null);
            }
            if (written <= 0) {
                break;
            }
            queuedBytes.addAndGet(-written);
            for (long left = written; left > 0; ) {
                ByteBuf head = queue.peek();
                int n = (int) Math.min(left, head.readableBytes());
                head.skipBytes(n);
                left -= n;
                if (!head.isReadable()) {
                    queue.poll().release();
                }
            }
            if (written < total) {
                break; // the pipe is full
            }
        }
        boolean wait = !queue.isEmpty();
        if (wait != waitingForRoom) {
            waitingForRoom = wait;
            if (registration != null) {
                registration.submit(wait ? EpollIoOps.EPOLLOUT : EpollIoOps.NONE);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ByteBuf dropped;
        while ((dropped = queue.poll()) != null) {
            dropped.release();
        }
        offered.clear();
        queuedBytes.set(0);
        if (registration != null) {
            registration.cancel();
        }
        try {
            fd.close();
        } catch (IOException ignored) {
            // Nothing to do: the child is gone or has closed its end.
        }
    }
}
