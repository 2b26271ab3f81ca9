package io.procgate.tcprocd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * {@code 02OK} with data, the answer to {@code list} and {@code cat}: on the wire
 * {@code 02OK D N data}, where D is one digit giving the number of digits of the byte length N.
 * The data is lines, each ending in {@code \n}. Reference-counted: the encoder releases it.
 */
public final class TcprocdDataResponse extends DefaultByteBufHolder implements TcprocdMessage {

    public TcprocdDataResponse(ByteBuf data) {
        super(data);
    }

    @Override
    public TcprocdDataResponse replace(ByteBuf content) {
        return new TcprocdDataResponse(content);
    }

    @Override
    public TcprocdDataResponse retain() {
        super.retain();
        return this;
    }

    @Override
    public TcprocdDataResponse retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public TcprocdDataResponse touch() {
        super.touch();
        return this;
    }

    @Override
    public TcprocdDataResponse touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
