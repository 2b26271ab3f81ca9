package io.procgate.pcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes {@link PcpMessage}s for the wire: {@link PcpPrompt} as {@code >}, {@link PcpAck} as
 * {@code $}, {@link PcpUnprocessable} as {@code ?} CRLF, and a {@link PcpPayload} as its encoding
 * plus CRLF, always on one line. A payload that breaks the limits is refused with a
 * {@link PcpCodecException} before any byte is written: the server sends nothing it would reject.
 */
@Sharable
public final class PcpEncoder extends MessageToByteEncoder<PcpMessage> {
    public static final PcpEncoder INSTANCE = new PcpEncoder();

    private PcpEncoder() {
        super(PcpMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PcpMessage msg, ByteBuf out) {
        if (msg instanceof PcpPayload payload) {
            payload.encodeTo(out);
        } else if (msg instanceof PcpPrompt) {
            out.writeByte(PcpConstants.PROMPT);
        } else if (msg instanceof PcpUnprocessable) {
            out.writeByte(PcpConstants.UNPROCESSABLE);
            out.writeByte(PcpConstants.CR);
            out.writeByte(PcpConstants.LF);
        } else if (msg instanceof PcpAck) {
            out.writeByte(PcpConstants.ACK);
        } else {
            throw new PcpCodecException(PcpViolation.BAD_BYTE, "cannot encode " + msg);
        }
    }
}
