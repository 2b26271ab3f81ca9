package io.procgate.host.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The read end of a child's output pipe, registered on an epoll event loop (level-triggered).
 * Each wake-up reads a bounded number of chunks so that one chatty child cannot starve the
 * sockets and other children served by the same loop; epoll wakes the loop again if more is left.
 */
public final class OutputPipe implements EpollIoHandle {

    /** Where the bytes go; called on the loop. */
    public interface Sink {
        /** @param chunk valid only during the call */
        void onBytes(ByteBuf chunk);

        /** Every writer closed the pipe. */
        void onEof();

        void onError(IOException e);
    }

    /** A pipe holds 64 KiB by default: one read empties it. */
    static final int READ_BYTES = 64 * 1024;
    /** Reads per wake-up before yielding to the loop's other work. */
    private static final int MAX_READS_PER_WAKEUP = 4;

    /** One read buffer per loop thread: reads are synchronous, so idle children hold none. */
    private static final FastThreadLocal<ByteBuf> READ_BUFFER = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            return ByteBufAllocator.DEFAULT.directBuffer(READ_BYTES, READ_BYTES);
        }

        @Override
        protected void onRemoval(ByteBuf value) {
            value.release();
        }
    };

    private final FileDescriptor fd;
    private final Sink sink;
    private IoRegistration registration;
    private boolean closed;

    public OutputPipe(FileDescriptor fd, Sink sink) {
        this.fd = fd;
        this.sink = sink;
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    /** Registers for reading; call on {@code loop}. */
    public void register(IoEventLoop loop) {
        loop.register(this).addListener(f -> {
            if (!f.isSuccess()) {
                sink.onError(new IOException("cannot register output pipe", f.cause()));
                close();
                return;
            }
            registration = (IoRegistration) f.getNow();
            if (closed) {
                registration.cancel();
            } else {
                registration.submit(EpollIoOps.EPOLLIN);
            }
        });
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        read(MAX_READS_PER_WAKEUP);
    }

    /** Reads everything the pipe holds now (the child has exited: all it wrote is there). */
    public void drain() {
        read(Integer.MAX_VALUE);
    }

    private void read(int maxReads) {
        if (closed) {
            return;
        }
        ByteBuf buf = READ_BUFFER.get();
        for (int i = 0; i < maxReads; i++) {
            buf.clear();
            int n;
            try {
                ByteBuffer nio = buf.internalNioBuffer(0, READ_BYTES);
                n = fd.read(nio, nio.position(), nio.limit());
            } catch (IOException e) {
                close();
                sink.onError(e);
                return;
            }
            if (n > 0) {
                buf.writerIndex(n);
                sink.onBytes(buf);
            } else if (n < 0) {
                close();
                sink.onEof();
                return;
            } else {
                return; // EAGAIN
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            registration.cancel();
        }
        try {
            fd.close();
        } catch (IOException ignored) {
            // Closing a pipe end cannot fail in a way we could act on.
        }
    }
}
