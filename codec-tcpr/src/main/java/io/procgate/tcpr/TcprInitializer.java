package io.procgate.tcpr;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;

/**
 * Builds the pipeline of each connection a TCPR listener accepts, after admitting it (throttled
 * addresses and connections over {@code max-clients} are closed here, before any byte):
 * {@value #DECODER}, {@value #ENCODER}, {@value #AUTH} (removed once authenticated),
 * {@value #SESSION}, {@value #EXCEPTIONS}.
 *
 * <p>Sets {@code TCP_NODELAY}, so that each line leaves in a segment of its own, and a fixed
 * {@value #SEND_BUFFER_BYTES}-byte {@code SO_SNDBUF}: left to autotuning, the kernel would hold up to
 * several megabytes for a client that does not read, beyond the listener's {@code client-buffer},
 * and that client would learn of its missed lines only megabytes later.
 *
 * <p>Allows half-closure: a client that shuts down its sending side after its lines (as
 * {@code printf 'pw\ncmd\n' | nc -N host port} does) has them all carried out and keeps receiving
 * output until it closes or the process exits; one that does so before its password line is
 * closed.
 */
@ChannelHandler.Sharable
public final class TcprInitializer extends ChannelInitializer<Channel> {
    public static final String DECODER = "tcpr-decoder";
    public static final String ENCODER = "tcpr-encoder";
    public static final String AUTH = "tcpr-auth";
    public static final String SESSION = "tcpr-session";
    public static final String EXCEPTIONS = "tcpr-exceptions";

    /** The kernel's send buffer per connection: a console stream needs little. */
    public static final int SEND_BUFFER_BYTES = 64 * 1024;

    private final TcprListener listener;

    TcprInitializer(TcprListener listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!listener.admit(ch)) {
            return;
        }
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
        ch.config().setOption(ChannelOption.SO_SNDBUF, SEND_BUFFER_BYTES);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        TcprEncoder encoder = new TcprEncoder(listener.settings().timestamps());
        TcprSessionHandler session = new TcprSessionHandler(listener);
        ch.pipeline()
                .addLast(DECODER, new TcprDecoder())
                .addLast(ENCODER, encoder)
                .addLast(AUTH, new TcprAuthHandler(listener, encoder, session))
                .addLast(SESSION, session)
                .addLast(EXCEPTIONS, TcprExceptionHandler.INSTANCE);
    }
}
