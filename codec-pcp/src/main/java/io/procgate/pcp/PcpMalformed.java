package io.procgate.pcp;

import java.util.Objects;

/**
 * A line the decoder received but could not parse as a payload; the session answers it with
 * {@link PcpUnprocessable} and goes on.
 */
public final class PcpMalformed implements PcpMessage {
    private final PcpViolation violation;

    public PcpMalformed(PcpViolation violation) {
        this.violation = Objects.requireNonNull(violation, "violation");
    }

    public PcpViolation violation() {
        return violation;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcpMalformed other && other.violation == violation;
    }

    @Override
    public int hashCode() {
        return violation.hashCode();
    }

    @Override
    public String toString() {
        return "PcpMalformed[" + violation + "]";
    }
}
