package io.procgate.tcpr;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;

/**
 * Builds the pipeline of each connection a TCPR listener accepts, after admitting it (throttled
 * addresses and connections over {@code max-clients} are closed here, before any byte):
 * {@value #DECODER}, {@value #ENCODER}, {@value #AUTH} (removed once authenticated),
 * {@value #SESSION}, {@value #EXCEPTIONS}. Sets {@code TCP_NODELAY} so that each line leaves in
 * a segment of its own.
 */
@ChannelHandler.Sharable
public final class TcprInitializer extends ChannelInitializer<Channel> {
    public static final String DECODER = "tcpr-decoder";
    public static final String ENCODER = "tcpr-encoder";
    public static final String AUTH = "tcpr-auth";
    public static final String SESSION = "tcpr-session";
    public static final String EXCEPTIONS = "tcpr-exceptions";

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
