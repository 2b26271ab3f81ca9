package io.procgate.tcprocd;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.procgate.core.control.Caller;
import io.procgate.core.metrics.ProtocolMetrics;

/**
 * Names of the handlers in a tcprocd connection's pipeline, in order, and the connection's state.
 *
 * <pre>
 * TCP and unix socket, until authenticated:
 *   flushes       FlushConsolidationHandler (one flush per read, not per answer)
 *   auth-decoder  TcprocdDecoder (credentials; holds what follows)    removed after OK
 *   decoder       TcprocdDecoder (requests)
 *   encoder       TcprocdEncoder
 *   auth          TcprocdAuthHandler (deadline, check, throttle)       removed after OK
 *   commands      TcprocdCommandHandler
 *   exceptions    TcprocdExceptionHandler
 * after an accepted attach, decoder and commands are replaced by:
 *   attach-decoder  LineBasedFrameDecoder
 *   attach          TcprocdAttachHandler
 * </pre>
 */
public final class TcprocdPipeline {
    public static final String FLUSHES = "flushes";
    public static final String AUTH_DECODER = "auth-decoder";
    public static final String DECODER = "decoder";
    public static final String ENCODER = "encoder";
    public static final String AUTH = "auth";
    public static final String COMMANDS = "commands";
    public static final String ATTACH_DECODER = "attach-decoder";
    public static final String ATTACH = "attach";
    public static final String EXCEPTIONS = "exceptions";

    /** Who is connected: set once authentication succeeded. */
    public static final AttributeKey<Caller> CALLER = AttributeKey.valueOf(TcprocdPipeline.class, "caller");

    /**
     * Set when the client shut its side down (half-close, e.g. {@code nc -N}) before it was
     * authenticated: what it sent before is still answered, then the connection is closed.
     */
    public static final AttributeKey<Boolean> INPUT_CLOSED =
            AttributeKey.valueOf(TcprocdPipeline.class, "input-closed");

    /** Set once the connection is attached (line-based): no status may be written any more. */
    public static final AttributeKey<Boolean> ATTACHED = AttributeKey.valueOf(TcprocdPipeline.class, "attached");

    /** The protocol's counters, for the shared exception handler (a malformed request counts as ERROR). */
    public static final AttributeKey<ProtocolMetrics> METRICS = AttributeKey.valueOf(TcprocdPipeline.class, "metrics");

    private TcprocdPipeline() {}

    /**
     * Turns reading on or off. Never turns it back on once the peer shut its side: there is nothing
     * more to read, and asking the epoll transport for input on such a socket fails the channel.
     */
    static void setReading(Channel channel, boolean on) {
        if (on && channel instanceof DuplexChannel && ((DuplexChannel) channel).isInputShutdown()) {
            return;
        }
        channel.config().setAutoRead(on);
    }
}
