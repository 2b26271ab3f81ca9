package io.procgate.tcprocd;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** An answer that is only a status, e.g. {@code 06EXISTS}. Instances are cached per status. */
public final class TcprocdResponse implements TcprocdMessage {
    private static final Map<TcprocdStatus, TcprocdResponse> CACHE = new EnumMap<>(TcprocdStatus.class);

    static {
        for (TcprocdStatus status : TcprocdStatus.values()) {
            CACHE.put(status, new TcprocdResponse(status));
        }
    }

    private final TcprocdStatus status;

    private TcprocdResponse(TcprocdStatus status) {
        this.status = status;
    }

    public static TcprocdResponse of(TcprocdStatus status) {
        return CACHE.get(Objects.requireNonNull(status, "status"));
    }

    public TcprocdStatus status() {
        return status;
    }

    @Override
    public String toString() {
        return "TcprocdResponse[" + status + "]";
    }
}
