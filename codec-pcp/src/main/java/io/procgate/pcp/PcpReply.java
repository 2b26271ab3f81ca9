package io.procgate.pcp;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * What the session sends for one request: {@code ?}, a response payload, or a response payload
 * plus data to transfer on a side port (whose {@code port} and {@code size} pairs are added once the
 * port is known). Owns its data until {@link #takeData()} or {@link #release()}.
 */
final class PcpReply {
    static final PcpReply UNPROCESSABLE = new PcpReply(null, null);

    private final List<PcpPayload.Pair> pairs;
    private ByteBuf data;

    private PcpReply(List<PcpPayload.Pair> pairs, ByteBuf data) {
        this.pairs = pairs;
        this.data = data;
    }

    static PcpReply of(List<PcpPayload.Pair> pairs) {
        return new PcpReply(List.copyOf(pairs), null);
    }

    /** A response announcing a transfer of {@code data}, which this reply now owns. */
    static PcpReply withTransfer(List<PcpPayload.Pair> pairs, ByteBuf data) {
        return new PcpReply(List.copyOf(pairs), data);
    }

    /**
     * The reply's {@code result} word (OK, OFFLINE, ...) for the metrics, or {@code UNPROCESSABLE}
     * for {@code ?}.
     */
    String resultWord() {
        if (pairs == null) {
            return "UNPROCESSABLE";
        }
        for (PcpPayload.Pair pair : pairs) {
            if (pair.key().equals(PcpConstants.RESULT_KEY)) {
                return pair.value();
            }
        }
        return "NONE";
    }

    boolean isUnprocessable() {
        return pairs == null;
    }

    boolean hasTransfer() {
        return data != null;
    }

    int transferSize() {
        return data.readableBytes();
    }

    /** The data to transfer; the caller owns it from now on. */
    ByteBuf takeData() {
        ByteBuf d = data;
        data = null;
        return d;
    }

    /** The response of a reply without a transfer. */
    PcpPayload payload() {
        return PcpPayload.of(pairs);
    }

    /** The response announcing a transfer of {@code size} bytes on {@code port}. */
    PcpPayload payload(int port, int size) {
        List<PcpPayload.Pair> all = new ArrayList<>(pairs);
        all.add(PcpPayload.Pair.of(PcpConstants.PORT_KEY, port));
        all.add(PcpPayload.Pair.of(PcpConstants.SIZE_KEY, size));
        return PcpPayload.of(all);
    }

    void release() {
        ReferenceCountUtil.safeRelease(takeData());
    }

    @Override
    public String toString() {
        return isUnprocessable() ? "?" : pairs + (hasTransfer() ? " + " + data.readableBytes() + " bytes" : "");
    }
}
