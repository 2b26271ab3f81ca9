package io.procgate.tcpr;

import io.netty.handler.codec.DecoderException;

/**
 * A TCPR stream that cannot go on: a password line over {@link TcprConstants#MAX_LINE_BYTES}, or a
 * message the encoder does not know. The session closes the connection.
 */
public final class TcprCodecException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public TcprCodecException(String message) {
        super(message);
    }
}
