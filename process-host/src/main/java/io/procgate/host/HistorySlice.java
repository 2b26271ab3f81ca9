package io.procgate.host;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * Lines read from a history: {@link #lineCount()} lines starting at {@link #firstLine()}, each
 * ending in {@code \n} in {@link #data()} (a line the program left without one, such as the last
 * line before exit or a piece of a split over-long line, gets one added here; the stored history
 * keeps the exact bytes). The caller owns the slice and must release it.
 *
 * @param missed lines between the requested start and {@code firstLine} that retention deleted
 */
public final class HistorySlice extends AbstractReferenceCounted {
    private final long requestedLine;
    private final long firstLine;
    private final long lineCount;
    private final ByteBuf data;

    public HistorySlice(long requestedLine, long firstLine, long lineCount, ByteBuf data) {
        this.requestedLine = requestedLine;
        this.firstLine = firstLine;
        this.lineCount = lineCount;
        this.data = data;
    }

    /** The line the reader asked for. */
    public long requestedLine() {
        return requestedLine;
    }

    /** The first line in {@link #data()}; later than requested when retention deleted older lines. */
    public long firstLine() {
        return firstLine;
    }

    public long lineCount() {
        return lineCount;
    }

    /** The number of the line after the last one in this slice: where to read on from. */
    public long nextLine() {
        return firstLine + lineCount;
    }

    /** How many requested lines are gone (deleted by retention) before {@link #firstLine()}. */
    public long missed() {
        return Math.max(0, firstLine - requestedLine);
    }

    public ByteBuf data() {
        return data;
    }

    @Override
    protected void deallocate() {
        data.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        data.touch(hint);
        return this;
    }
}
