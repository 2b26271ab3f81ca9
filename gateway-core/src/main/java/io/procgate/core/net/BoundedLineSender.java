package io.procgate.core.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards a process's live output lines to a client channel without buffering without bound
 * (tcprocd spec, section 6, {@code attach}; TCPR's console stream).
 *
 * <p>Two ways in. {@link #send} frames a line for this client and writes it at once, in a write of
 * its own. {@link #offer} takes a line a fan-out framed once for all its clients, as a range of a
 * buffer they share: the accepted lines of one pipe read queue up as slices of that buffer (no
 * copy per client; a run of consecutive lines is one slice) until {@link #flushBatch}, which hands
 * the channel one buffer, in one write and one flush (tcpr spec section 2.4: lines the process
 * wrote together may go out together; a line read alone still goes out alone). The bytes
 * written but not yet sent to the socket are counted: a line that would take that count above
 * {@code maxPendingBytes} is dropped and counted instead (except when nothing is pending, so a
 * single line longer than the bound still goes out). Once the pending bytes have fallen below half
 * the bound, the next line is preceded by {@link LineFormat#missed} telling how many lines were
 * dropped and the number of the line that follows, and the stream goes on from there. The client
 * can fetch what it missed from the history ({@code cat}).
 *
 * <p>Memory per client is thus bounded by {@code maxPendingBytes} plus one line.
 *
 * <p>{@link #send} is called on the process's event loop (one call at a time, as {@link
 * io.procgate.host.LineSubscriber} promises), not necessarily the channel's; the write listeners
 * run on the channel's loop, hence the atomic counter.
 */
public final class BoundedLineSender {

    /** How a protocol frames an output line and the "missed" notice on its wire. */
    public interface LineFormat {
        /**
         * A line to send: {@code content} without its {@code \n}, valid only during the call, so
         * the result must be a new buffer (a copy with the protocol's framing).
         */
        ByteBuf line(ByteBufAllocator alloc, long lineNumber, ByteBuf content);

        /** The notice that {@code missedCount} lines were dropped, and {@code nextLine} follows. */
        ByteBuf missed(ByteBufAllocator alloc, long missedCount, long nextLine);

        /** The framed line's length: at least {@code content}'s, what {@link #frameInto} writes. */
        default int framedLength(long lineNumber, ByteBuf content) {
            ByteBuf framed = line(ByteBufAllocator.DEFAULT, lineNumber, content);
            try {
                return framed.readableBytes();
            } finally {
                framed.release();
            }
        }

        /** Writes the framed line at {@code out}'s writer index (which has {@link #framedLength} room). */
        default void frameInto(ByteBuf out, long lineNumber, ByteBuf content) {
            ByteBuf framed = line(out.alloc(), lineNumber, content);
            try {
                out.writeBytes(framed);
            } finally {
                framed.release();
            }
        }
    }

    /** The text of the missed-lines notice, without line terminator, as tcprocd and TCPR send it. */
    public static String missedText(long missedCount, long nextLine) {
        return "[gateway] missed " + missedCount + " lines, next is line " + nextLine;
    }

    /** The tcprocd {@code attach} format: the raw line plus {@code \n}. */
    public static final LineFormat NEWLINE_TERMINATED = new LineFormat() {
        @Override
        public ByteBuf line(ByteBufAllocator alloc, long lineNumber, ByteBuf content) {
            int n = content.readableBytes();
            ByteBuf out = alloc.buffer(n + 1);
            out.writeBytes(content, content.readerIndex(), n).writeByte('\n');
            return out;
        }

        @Override
        public ByteBuf missed(ByteBufAllocator alloc, long missedCount, long nextLine) {
            byte[] text = (missedText(missedCount, nextLine) + "\n").getBytes(StandardCharsets.US_ASCII);
            return alloc.buffer(text.length).writeBytes(text);
        }

        @Override
        public int framedLength(long lineNumber, ByteBuf content) {
            return content.readableBytes() + 1;
        }

        @Override
        public void frameInto(ByteBuf out, long lineNumber, ByteBuf content) {
            out.writeBytes(content, content.readerIndex(), content.readableBytes())
                    .writeByte('\n');
        }
    };

    /** The size of a block that one client's lines of a read are framed into (a pipe read is at most 64 KiB). */
    static final int OWN_BLOCK_BYTES = 16 * 1024;

    private final Channel channel;
    private final LineFormat format;
    private final long maxPendingBytes;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong missedTotal = new AtomicLong();
    /** Lines dropped since the last missed notice; touched only by {@link #send}'s thread. */
    private long missedNow;
    /** The number of the last output line offered to {@link #send}, or -1. */
    private long lastLine = -1;

    /** The batch being gathered by {@link #offer}: finished pieces, then the open run. */
    private final List<ByteBuf> batch = new ArrayList<>();
    /** The shared buffer of the open run (not retained yet), or null. */
    private ByteBuf runBuffer;

    private int runStart;
    private int runEnd;
    /** Bytes of the batch, counted in {@link #pending} already. */
    private long batchBytes;
    /** Blocks that {@link #offer(long, ByteBuf)} framed this batch's lines into; released once it is written. */
    private final List<ByteBuf> ownBlocks = new ArrayList<>();

    public BoundedLineSender(Channel channel, LineFormat format, long maxPendingBytes) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.format = Objects.requireNonNull(format, "format");
        if (maxPendingBytes < 2) {
            throw new IllegalArgumentException("maxPendingBytes must be at least 2: " + maxPendingBytes);
        }
        this.maxPendingBytes = maxPendingBytes;
    }

    /**
     * Sends one line, or drops it if the client is too far behind.
     *
     * @param content the line without {@code \n}; read, never retained or released
     */
    public void send(long lineNumber, ByteBuf content) {
        if (lineNumber >= 0) {
            lastLine = lineNumber;
        }
        if (!channel.isActive()) {
            return;
        }
        flushBatch(); // what was offered before goes out before this line

        long now = pending.get();
        if (missedNow > 0) {
            if (now >= maxPendingBytes / 2) {
                drop();
                return;
            }
            long count = missedNow;
            missedNow = 0;
            // The notice is not counted against this line: the stream goes on from here.
            write(format.missed(channel.alloc(), count, lineNumber));
        }
        // Cheap check before allocating: framing only adds bytes.
        if (now > 0 && now + content.readableBytes() > maxPendingBytes) {
            drop();
            return;
        }
        ByteBuf framed = format.line(channel.alloc(), lineNumber, content);
        if (now > 0 && now + framed.readableBytes() > maxPendingBytes) {
            framed.release();
            drop();
            return;
        }
        write(framed);
    }

    /**
     * Queues a line for this client alone, or drops it as {@link #send} would: framed into a block of
     * this sender's, it goes out with the rest of the batch at the next {@link #flushBatch}, so a
     * client gets the lines of one pipe read in one write and one flush instead of one each.
     *
     * @param content the line without {@code \n}; read, never retained or released
     */
    public void offer(long lineNumber, ByteBuf content) {
        long now = pending.get();
        if (channel.isActive() && now > 0 && now + content.readableBytes() > maxPendingBytes) {
            // Cheap check before framing: framing only adds bytes.
            if (lineNumber >= 0) {
                lastLine = lineNumber;
            }
            drop();
            return;
        }
        int length = format.framedLength(lineNumber, content);
        ByteBuf block = ownBlocks.isEmpty() ? null : ownBlocks.get(ownBlocks.size() - 1);
        if (block == null || block.writableBytes() < length) {
            // A new block rather than a grown one: queued lines are ranges of the blocks.
            block = channel.alloc().buffer(Math.max(OWN_BLOCK_BYTES, length), Math.max(OWN_BLOCK_BYTES, length));
            ownBlocks.add(block);
        }
        int offset = block.writerIndex();
        format.frameInto(block, lineNumber, content);
        offer(lineNumber, block, offset, block.writerIndex() - offset);
    }

    /**
     * Queues a line already framed for this client, or drops it as {@link #send} would. The bytes
     * are {@code length} bytes of {@code shared} from {@code offset}: valid until the caller releases
     * it, so the queue keeps retained slices; the line goes out at the next {@link #flushBatch} (or
     * before the next {@link #send}).
     */
    public void offer(long lineNumber, ByteBuf shared, int offset, int length) {
        if (lineNumber >= 0) {
            lastLine = lineNumber;
        }
        if (!channel.isActive()) {
            return;
        }
        long now = pending.get();
        if (missedNow > 0) {
            if (now >= maxPendingBytes / 2) {
                drop();
                return;
            }
            long count = missedNow;
            missedNow = 0;
            closeRun();
            ByteBuf notice = format.missed(channel.alloc(), count, lineNumber);
            queue(notice, notice.readableBytes());
        }
        if (now > 0 && now + length > maxPendingBytes) {
            drop();
            return;
        }
        if (runBuffer != shared || runEnd != offset) {
            closeRun();
            runBuffer = shared;
            runStart = offset;
        }
        runEnd = offset + length;
        pending.addAndGet(length);
        batchBytes += length;
    }

    /** Writes what {@link #offer} queued, as one buffer, in one write with one flush. */
    public void flushBatch() {
        closeRun();
        releaseOwnBlocks(); // the batch holds retained slices of them
        if (batch.isEmpty()) {
            return;
        }
        ByteBuf out;
        if (batch.size() == 1) {
            out = batch.get(0);
        } else {
            CompositeByteBuf composite = channel.alloc().compositeBuffer(batch.size());
            composite.addComponents(true, batch);
            out = composite;
        }
        batch.clear();
        long size = batchBytes;
        batchBytes = 0;
        if (!channel.isActive()) {
            out.release();
            pending.addAndGet(-size);
            return;
        }
        channel.writeAndFlush(out).addListener(f -> pending.addAndGet(-size));
    }

    /** Drops what {@link #offer} queued, unsent (the session ends). */
    public void discardBatch() {
        closeRun();
        releaseOwnBlocks();
        for (ByteBuf piece : batch) {
            piece.release();
        }
        batch.clear();
        pending.addAndGet(-batchBytes);
        batchBytes = 0;
    }

    private void releaseOwnBlocks() {
        for (ByteBuf block : ownBlocks) {
            block.release();
        }
        ownBlocks.clear();
    }

    private void closeRun() {
        if (runBuffer != null) {
            batch.add(runBuffer.retainedSlice(runStart, runEnd - runStart));
            runBuffer = null;
        }
    }

    private void queue(ByteBuf piece, int size) {
        batch.add(piece);
        pending.addAndGet(size);
        batchBytes += size;
    }

    /**
     * The stream ends (the process exited): announces the lines dropped since the last notice now,
     * since no next line will carry the notice. Call on {@link #send}'s thread.
     *
     * @return whether a notice was written
     */
    public boolean announceMissed() {
        flushBatch();
        if (missedNow == 0 || !channel.isActive()) {
            return false;
        }
        long count = missedNow;
        missedNow = 0;
        write(format.missed(channel.alloc(), count, lastLine + 1));
        return true;
    }

    /** Lines dropped so far in all. */
    public long missedTotal() {
        return missedTotal.get();
    }

    /** Bytes written and not yet sent (for tests and metrics). */
    public long pendingBytes() {
        return pending.get();
    }

    private void drop() {
        missedNow++;
        missedTotal.incrementAndGet();
    }

    private void write(ByteBuf buf) {
        long size = buf.readableBytes();
        pending.addAndGet(size);
        channel.writeAndFlush(buf).addListener(f -> pending.addAndGet(-size));
    }
}
