package io.procgate.tcpr;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * An authenticated TCPR session: sends the {@code is now authenticated} line, joins the listener
 * (from then on the process's output reaches the client), writes each command line to the
 * process's stdin, answers an over-long line, and leaves the listener when the connection ends.
 *
 * <p>Whoever closes the connection of an authenticated client (the process exited, the gateway
 * stops and closes its channels), the client is sent the shutdown line first, once.
 */
final class TcprSessionHandler extends ChannelDuplexHandler {
    private final TcprListener listener;
    private ChannelHandlerContext ctx;
    private TcprClient client;

    TcprSessionHandler(TcprListener listener) {
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /**
     * Called by {@link TcprAuthHandler} on the event loop once the password is accepted.
     *
     * @param newline the session's newline, chosen by the password line
     */
    void authenticated(TcprNewline newline) {
        String peer = TcprListener.peer(ctx.channel());
        TcprLineFormat format = new TcprLineFormat(listener.settings().timestamps(), newline, listener::now);
        client = new TcprClient(ctx.channel(), peer, listener.settings().clientBufferBytes(), format);
        client.text(TcprConstants.AUTHENTICATED_BEFORE + peer + TcprConstants.AUTHENTICATED_AFTER);
        listener.join(client);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (client == null) {
            // only the auth step passes messages on, and only after authenticated()
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("message before authentication: " + msg);
        }
        if (msg instanceof TcprCommand command) {
            listener.command(client, command.line());
        } else if (msg instanceof TcprLineTooLong) {
            client.text(TcprConstants.LINE_TOO_LONG);
        } else {
            context.fireChannelRead(msg);
        }
    }

    @Override
    public void close(ChannelHandlerContext context, ChannelPromise promise) {
        if (client != null && client.markEnding()) {
            // closed from outside (the gateway stopping): say goodbye the way KAG does
            listener.leave(client);
            context.writeAndFlush(new TcprShutdown(listener.now()));
        }
        context.close(promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (client != null) {
            client.markEnding();
            listener.leave(client);
        }
        context.fireChannelInactive();
    }

    /** The authenticated client, or {@code null} before authentication (for tests). */
    TcprClient client() {
        return client;
    }
}
