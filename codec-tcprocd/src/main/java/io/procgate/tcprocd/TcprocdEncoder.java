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
 * D-digit byte length) followed by the data buffer itself, never copied. Other messages (the raw
 * lines of an attached connection) pass through untouched.
 */
@Sharable
public final class TcprocdEncoder extends MessageToMessageEncoder<TcprocdMessage> {

    /** The longest data: one digit says how many length digits follow, so nine of them. */
    private static final int MAX_DATA_LENGTH = 999_999_999;

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
            out.add(encodeDataHeader(ctx, data.readableBytes()));
            // The encoder releases msg after encode; the data lives on in out.
            out.add(data.retain());
        } else {
            throw new EncoderException("not an answer: " + msg.getClass().getName());
        }
    }

    private static ByteBuf encodeDataHeader(ChannelHandlerContext ctx, int length) {
        if (length > MAX_DATA_LENGTH) {
            throw new EncoderException("data of " + length + " bytes does not fit a one-digit length width");
        }
        int digits = digitCount(length);
        ByteBuf header = ctx.alloc().buffer(TcprocdStatus.OK.framedLength() + 1 + digits);
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
