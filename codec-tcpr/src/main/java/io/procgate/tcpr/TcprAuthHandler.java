package io.procgate.tcpr;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication step of a TCPR session: waits for the password line at most
 * {@code auth-timeout}, checks it (in constant time, off the event loop), and on success hands the
 * session to {@link TcprSessionHandler} and removes itself. Sends nothing before that: a wrong
 * password, an over-long password line or silence closes the connection without a byte, and is
 * logged and recorded with the login throttle.
 *
 * <p>Reading stops while the password is checked, and lines the client pipelined after its
 * password are held back and passed on only once it is accepted, so nothing slips past.
 */
final class TcprAuthHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TcprAuthHandler.class);

    private enum State {
        AWAIT_PASSWORD,
        VERIFYING,
        DONE
    }

    private final TcprListener listener;
    private final TcprEncoder encoder;
    private final TcprSessionHandler session;
    private final Queue<Object> heldBack = new ArrayDeque<>();
    private State state = State.AWAIT_PASSWORD;
    private Future<?> deadline;

    TcprAuthHandler(TcprListener listener, TcprEncoder encoder, TcprSessionHandler session) {
        this.listener = listener;
        this.encoder = encoder;
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startDeadline(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startDeadline(ctx);
        ctx.fireChannelActive();
    }

    private void startDeadline(ChannelHandlerContext ctx) {
        if (deadline == null && state == State.AWAIT_PASSWORD) {
            long nanos = listener.settings().authTimeout().toNanos();
            deadline = ctx.executor().schedule(() -> timedOut(ctx), nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.AWAIT_PASSWORD && msg instanceof TcprPassword password) {
            state = State.VERIFYING;
            cancelDeadline();
            ctx.channel().config().setAutoRead(false);
            verify(ctx, password);
        } else if (state != State.DONE) {
            heldBack.add(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void verify(ChannelHandlerContext ctx, TcprPassword password) {
        byte[] candidate = password.password();
        CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return listener.settings().password().matches(candidate);
                            } finally {
                                Arrays.fill(candidate, (byte) 0);
                            }
                        },
                        listener.verifier())
                .whenCompleteAsync(
                        (ok, error) -> {
                            if (error != null) {
                                LOG.error("{}: checking the password of {} failed", listener, peer(ctx), error);
                                fail(ctx, "password check failed");
                            } else if (ok) {
                                succeed(ctx, password.newline());
                            } else {
                                fail(ctx, "wrong password");
                            }
                        },
                        ctx.executor());
    }

    private void succeed(ChannelHandlerContext ctx, TcprNewline newline) {
        if (state != State.VERIFYING || !ctx.channel().isActive()) {
            return; // the client left while its password was checked
        }
        state = State.DONE;
        InetAddress address = TcprListener.inetAddress(ctx.channel().remoteAddress());
        if (address != null) {
            listener.throttle().recordSuccess(address);
        }
        LOG.info("{}: {} authenticated", listener, peer(ctx));
        encoder.newline(newline);
        session.authenticated(newline);
        for (Object held; (held = heldBack.poll()) != null; ) {
            ctx.fireChannelRead(held);
        }
        ctx.pipeline().remove(this);
        // a client that half-closed has nothing more to send (and epoll refuses to read it again)
        if (!(ctx.channel() instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void timedOut(ChannelHandlerContext ctx) {
        if (state == State.AWAIT_PASSWORD) {
            fail(ctx, "no password within " + listener.settings().authTimeout().toMillis() + " ms");
        }
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        cancelDeadline();
        heldBack.clear();
        if (ctx.channel().isActive()) {
            LOG.warn("{}: {} from {}, connection closed", listener, reason, peer(ctx));
            listener.metrics().authFailure();
            InetAddress address = TcprListener.inetAddress(ctx.channel().remoteAddress());
            if (address != null) {
                listener.throttle().recordFailure(address);
            }
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && state == State.AWAIT_PASSWORD) {
            // the client will send nothing more, so never a password: not a failed login, just gone
            state = State.DONE;
            cancelDeadline();
            LOG.debug("{}: {} hung up before its password", listener, peer(ctx));
            ctx.close();
            return;
        }
        // while the password is checked, the lines already read are held back and still carried out
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TcprCodecException) {
            fail(ctx, "password line too long");
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        heldBack.clear();
        if (state != State.DONE) {
            state = State.DONE;
            LOG.debug("{}: {} left before authenticating", listener, peer(ctx));
        }
        ctx.fireChannelInactive();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private static String peer(ChannelHandlerContext ctx) {
        return TcprListener.peer(ctx.channel());
    }
}
