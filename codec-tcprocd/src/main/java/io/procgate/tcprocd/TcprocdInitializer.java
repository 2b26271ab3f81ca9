package io.procgate.tcprocd;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.procgate.core.net.PeerAddresses;
import io.procgate.core.spi.PluginContext;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of each accepted tcprocd connection, TCP or unix socket (see
 * {@link TcprocdPipeline} for the handlers and their order). A TCP client whose address the login
 * throttle blocks is closed at once, before anything is read or sent.
 */
@Sharable
final class TcprocdInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(TcprocdInitializer.class);

    private final PluginContext context;
    private final TcprocdSettings settings;
    private final TcprocdListenerSettings listener;
    private final Executor passwordChecks;

    TcprocdInitializer(PluginContext context, TcprocdSettings settings, TcprocdListenerSettings listener) {
        this(context, settings, listener, context.passwordChecks());
    }

    /** With {@code passwordChecks} where the (slow) password checks run. */
    TcprocdInitializer(
            PluginContext context,
            TcprocdSettings settings,
            TcprocdListenerSettings listener,
            Executor passwordChecks) {
        this.context = context;
        this.settings = settings;
        this.listener = listener;
        this.passwordChecks = passwordChecks;
    }

    @Override
    protected void initChannel(Channel channel) {
        if (channel.remoteAddress() instanceof InetSocketAddress
                && context.loginThrottle().isBlocked(((InetSocketAddress) channel.remoteAddress()).getAddress())) {
            LOG.debug("tcprocd: refusing {}: too many failed logins", PeerAddresses.format(channel));
            channel.close();
            return;
        }
        // A client may send its requests and shut its side (printf ... | nc -N): answer them first.
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // Unix socket: whether a password is asked for is known only once the peer is identified.
        TcprocdDecoder.Mode credentials =
                listener.isUnix() ? TcprocdDecoder.Mode.HOLD : TcprocdDecoder.Mode.USER_AND_PASSWORD;
        channel.attr(TcprocdPipeline.METRICS).set(context.protocolMetrics());
        ChannelPipeline pipeline = channel.pipeline();
        // Pipelined requests arrive many to a read: their answers go out in one flush (one write
        // syscall) at the end of the read, as a bare server's would; outside a read, at once.
        pipeline.addLast(
                TcprocdPipeline.FLUSHES,
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false));
        pipeline.addLast(TcprocdPipeline.AUTH_DECODER, new TcprocdDecoder(credentials));
        pipeline.addLast(TcprocdPipeline.DECODER, new TcprocdDecoder());
        pipeline.addLast(TcprocdPipeline.ENCODER, TcprocdEncoder.INSTANCE);
        pipeline.addLast(
                TcprocdPipeline.AUTH,
                new TcprocdAuthHandler(
                        context.authenticator(),
                        context.loginThrottle(),
                        listener,
                        passwordChecks,
                        context.protocolMetrics()));
        pipeline.addLast(
                TcprocdPipeline.COMMANDS,
                new TcprocdCommandHandler(
                        context.processes(), settings, context.protocolMetrics(), context::schedules));
        pipeline.addLast(TcprocdPipeline.EXCEPTIONS, TcprocdExceptionHandler.INSTANCE);
    }
}
