package io.procgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.procgate.host.LineSubscriber;
import io.procgate.host.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The live output of one process, fanned out to every console open on it (docs/web.md, "Console"):
 * one subscription to the host for all of them, each line encoded once as a whole {@code line}
 * WebSocket frame ({@link ConsoleWireFrames}) into a block of its read that every console shares,
 * and at the end of the read each console's {@link ConsoleLiveQueue} hands its share to the
 * console's loop in one task, written with one flush, as TCPR's listener does.
 *
 * <p>A line is encoded only if some console takes it (one catching up from the history does not).
 * Blocks never grow (a console's loop may be writing an earlier part of one while later lines are
 * framed): a frame that does not fit starts a new block. Every block is released at the end of its
 * read; the consoles hold retained slices of it.
 *
 * <p>Called on the process's loop, one call at a time; consoles join and leave from their own loops.
 */
final class ConsoleFeed implements LineSubscriber {
    /** The size of a block that a read's frames are written into (a pipe read is at most 64 KiB). */
    static final int BLOCK_BYTES = 64 * 1024;

    private final String name;
    private final ConsoleFeeds owner;
    private final List<ConsoleLiveQueue> consoles = new CopyOnWriteArrayList<>();
    private volatile Subscription subscription;

    // Confined to the process's loop.
    private final List<ByteBuf> blocks = new ArrayList<>();
    private ByteBuf block;
    /** Where one line's JSON is written before it is framed (its length leads the frame). */
    private ByteBuf payload = Unpooled.buffer(256);

    ConsoleFeed(String name, ConsoleFeeds owner) {
        this.name = name;
        this.owner = owner;
    }

    String name() {
        return name;
    }

    void add(ConsoleLiveQueue console) {
        consoles.add(console);
    }

    void remove(ConsoleLiveQueue console) {
        consoles.remove(console);
    }

    boolean isEmpty() {
        return consoles.isEmpty();
    }

    void subscribed(Subscription s) {
        subscription = s;
    }

    void unsubscribe() {
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void onLine(long lineNumber, ByteBuf content) {
        int offset = -1;
        int length = 0;
        for (ConsoleLiveQueue console : consoles) {
            if (!console.takesLines()) {
                continue;
            }
            if (offset < 0) {
                offset = frame(lineNumber, content);
                length = block.writerIndex() - offset;
            }
            console.offer(lineNumber, block, offset, length);
        }
    }

    /** Writes the line's frame into the current block; returns where it starts. */
    private int frame(long lineNumber, ByteBuf content) {
        payload.clear();
        ConsoleFrames.writeLine(payload, lineNumber, content);
        int needed = ConsoleWireFrames.frameBytes(payload.readableBytes());
        if (block == null || block.writableBytes() < needed) {
            int size = Math.max(BLOCK_BYTES, needed);
            block = ByteBufAllocator.DEFAULT.directBuffer(size, size);
            blocks.add(block);
        }
        int start = block.writerIndex();
        ConsoleWireFrames.append(block, payload);
        if (payload.capacity() > BLOCK_BYTES) {
            payload = Unpooled.buffer(256); // one huge line does not keep a huge buffer
        }
        return start;
    }

    @Override
    public void onLinesEnd() {
        for (ConsoleLiveQueue console : consoles) {
            console.flush();
        }
        block = null;
        for (ByteBuf b : blocks) {
            b.release();
        }
        blocks.clear();
        if (consoles.isEmpty()) {
            owner.retire(this);
        }
    }
}
