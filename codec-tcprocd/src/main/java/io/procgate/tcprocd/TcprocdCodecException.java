package io.procgate.tcprocd;

import io.netty.handler.codec.DecoderException;

/**
 * A malformed tcprocd request: a non-digit where a length belongs, a field longer than its width
 * allows, an unknown command word or a process name outside the allowed set. The server answers
 * {@code 05ERROR} and closes, since it can no longer tell where the next request starts.
 */
public final class TcprocdCodecException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public TcprocdCodecException(String message) {
        super(message);
    }
}
