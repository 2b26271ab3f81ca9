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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write end of a child's stdin pipe. Writes are non-blocking; what the pipe does not take is
 * queued, up to a bound, and written when epoll says the pipe has room. A child that never reads
 * makes {@link #offer} fail once the bound is reached, instead of growing the queue.
 */
public final class InputPipe implements EpollIoHandle {
    private final FileDescriptor fd;
    private final IoEventLoop loop;
    private final long maxQueuedBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private IoRegistration registration;
    private boolean waitingForRoom;
    private boolean flushScheduled;
    /** Buffers per writev; the kernel's IOV_MAX is 1024. */
    private static final int MAX_WRITEV_BUFFERS = 64;

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
        if (loop.inEventLoop()) {
            enqueue(bytes); // no task hop when the caller already runs on the pipe's loop
        } else {
            loop.execute(() -> enqueue(bytes));
        }
        return true;
    }

    private void enqueue(byte[] bytes) {
        if (closed) {
            queuedBytes.addAndGet(-bytes.length);
            return;
        }
        // Native writes need direct memory.
        queue.add(ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes));
        // Coalesce: lines offered in the same loop iteration (several clients' commands) go out
        // in one write, and the child wakes once for them.
        if (!waitingForRoom && !flushScheduled) {
            flushScheduled = true;
            loop.execute(this::scheduledFlush);
        }
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

    /** Runs once per batch of offers: everything queued by then goes out in one writev. */
    private void scheduledFlush() {
        flushScheduled = false;
        if (!closed && !waitingForRoom) {
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
