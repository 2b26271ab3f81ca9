package io.procgate.tcpr;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.Objects;

/**
 * One line for a client: its content (no terminator; any bytes, never re-encoded) and the time
 * it was read, printed as the {@code [HH:MM:SS] } prefix when the listener has timestamps on.
 * Content over {@link TcprConstants#MAX_LINE_BYTES} is sent as several lines by the encoder.
 * Reference-counted: the encoder releases it.
 */
public final class TcprLine extends DefaultByteBufHolder implements TcprMessage {
    private final LocalTime time;

    public TcprLine(LocalTime time, ByteBuf content) {
        super(content);
        this.time = Objects.requireNonNull(time, "time");
    }

    /** A line of text the gateway writes itself (UTF-8). */
    public static TcprLine of(LocalTime time, String text) {
        return new TcprLine(time, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    public LocalTime time() {
        return time;
    }

    @Override
    public TcprLine replace(ByteBuf content) {
        return new TcprLine(time, content);
    }

    @Override
    public TcprLine copy() {
        return (TcprLine) super.copy();
    }

    @Override
    public TcprLine duplicate() {
        return (TcprLine) super.duplicate();
    }

    @Override
    public TcprLine retainedDuplicate() {
        return (TcprLine) super.retainedDuplicate();
    }

    @Override
    public TcprLine retain() {
        super.retain();
        return this;
    }

    @Override
    public TcprLine retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public TcprLine touch() {
        super.touch();
        return this;
    }

    @Override
    public TcprLine touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "TcprLine(" + time + ", " + content().readableBytes() + " bytes)";
    }
}
