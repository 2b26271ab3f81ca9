package io.procgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.procgate.core.control.Caller;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.host.HistorySlice;

/**
 * The body of {@code GET /api/processes/NAME/log?from=N&to=K} (docs/web.md): lines {@code N..K-1}
 * as the program wrote them (each with its {@code \n}), read from the history {@value #CHUNK_BYTES}
 * at a time as the client takes them (Netty's {@code ChunkedWriteHandler} pulls a chunk when the
 * socket can take more), so a download of any size holds one chunk in memory.
 */
final class HistoryDownload implements ChunkedInput<ByteBuf> {
    static final long CHUNK_BYTES = 256 * 1024;

    private final ProcessControl processes;
    private final Caller caller;
    private final String name;
    private final long to;
    private long next;
    private long sent;
    private boolean done;

    HistoryDownload(ProcessControl processes, Caller caller, String name, long from, long to) {
        this.processes = processes;
        this.caller = caller;
        this.name = name;
        this.next = from;
        this.to = to;
        this.done = from >= to;
    }

    @Override
    public boolean isEndOfInput() {
        return done;
    }

    @Override
    public void close() {
        done = true;
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (done) {
            return null;
        }
        Outcome<HistorySlice> read = processes.cat(caller, name, next, CHUNK_BYTES);
        if (!read.isOk()) {
            done = true; // the process vanished or is no longer the caller's: end the download
            return null;
        }
        HistorySlice slice = read.value();
        try {
            if (slice.lineCount() == 0) {
                done = true;
                return null;
            }
            ByteBuf data = slice.data();
            long wanted = Math.max(0, Math.min(slice.lineCount(), to - slice.firstLine()));
            int end = endOfLines(data, wanted);
            ByteBuf chunk = allocator.buffer(end - data.readerIndex());
            chunk.writeBytes(data, data.readerIndex(), end - data.readerIndex());
            next = slice.firstLine() + wanted;
            done = next >= to;
            sent += chunk.readableBytes();
            return chunk;
        } finally {
            slice.release();
        }
    }

    /** The index just past the {@code count}-th line of {@code data}. */
    private static int endOfLines(ByteBuf data, long count) {
        int at = data.readerIndex();
        for (long i = 0; i < count; i++) {
            int newline = data.indexOf(at, data.writerIndex(), (byte) '\n');
            if (newline < 0) {
                return data.writerIndex();
            }
            at = newline + 1;
        }
        return at;
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return sent;
    }
}
