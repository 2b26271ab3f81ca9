package io.procgate.tcprocd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes tcprocd answers (docs/tcprocd.md, section 3). A status alone is a shared, pre-framed
 * buffer ({@code 02OK}); an answer with data is a small header ({@code 02OK}, one digit D, then the
 * D-digit byte length) followed by the data. Small data (a {@code list}) is copied behind the header
 * into one buffer: one message out of the encoder costs no combined promise, and a copy of a few
 * names is cheaper than the bookkeeping of a second buffer. Larger data (a {@code cat}) follows as
 * the data buffer itself, never copied. A {@code stats} answer is framed like a {@code list}'s.
 * Other messages (the raw lines of an attached connection)
 * pass through untouched.
 */
@Sharable
public final class TcprocdEncoder extends MessageToMessageEncoder<TcprocdMessage> {

    /** The longest data: one digit says how many length digits follow, so nine of them. */
    private static final int MAX_DATA_LENGTH = 999_999_999;

    /** Data up to this many bytes is copied behind its header rather than sent as a buffer of its own. */
    static final int COPY_DATA_BELOW = 1024;

    public static final TcprocdEncoder INSTANCE = new TcprocdEncoder();

    private TcprocdEncoder() {
        super(TcprocdMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, TcprocdMessage msg, List<Object> out) {
        if (msg instanceof TcprocdResponse) {
            out.add(((TcprocdResponse) msg).status().sharedBuffer());
        } else if (msg instanceof TcprocdDataResponse) {
            ByteBuf data = ((TcprocdDataResponse) msg).content();
            int length = data.readableBytes();
            if (length < COPY_DATA_BELOW) {
                out.add(encodeDataHeader(ctx, length, length).writeBytes(data, data.readerIndex(), length));
                return;
            }
            out.add(encodeDataHeader(ctx, length, 0));
            // The encoder releases msg after encode; the data lives on in out.
            out.add(data.retain());
        } else if (msg instanceof TcprocdStatsResponse) {
            byte[] data = ((TcprocdStatsResponse) msg).data();
            out.add(encodeDataHeader(ctx, data.length, data.length).writeBytes(data));
        } else {
            throw new EncoderException("not an answer: " + msg.getClass().getName());
        }
    }

    /** {@code 02OK} D LENGTH, in a buffer with room for {@code room} more bytes. */
    private static ByteBuf encodeDataHeader(ChannelHandlerContext ctx, int length, int room) {
        if (length > MAX_DATA_LENGTH) {
            throw new EncoderException("data of " + length + " bytes does not fit a one-digit length width");
        }
        int digits = digitCount(length);
        ByteBuf header = ctx.alloc().buffer(TcprocdStatus.OK.framedLength() + 1 + digits + room);
        header.writeBytes(TcprocdStatus.OK.sharedBuffer());
        header.writeByte('0' + digits);
        writeDigits(header, length, digits);
        return header;
    }

    static int digitCount(long value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    private static void writeDigits(ByteBuf out, int value, int digits) {
        int at = out.writerIndex() + digits - 1;
        for (int i = 0; i < digits; i++) {
            out.setByte(at - i, '0' + value % 10);
            value /= 10;
        }
        out.writerIndex(out.writerIndex() + digits);
    }
}
