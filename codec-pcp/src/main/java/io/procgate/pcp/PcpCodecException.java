package io.procgate.pcp;

import io.netty.handler.codec.CodecException;

/**
 * A payload that breaks the PCP grammar: thrown by {@link PcpPayloadParser} for input and by
 * {@link PcpPayload#encode} for output the server would reject itself.
 */
public final class PcpCodecException extends CodecException {
    private static final long serialVersionUID = 1L;

    private final transient PcpViolation violation;

    public PcpCodecException(PcpViolation violation) {
        this(violation, violation.description());
    }

    public PcpCodecException(PcpViolation violation, String message) {
        super(message);
        this.violation = violation;
    }

    /** Which rule was broken. */
    public PcpViolation violation() {
        return violation;
    }
}
