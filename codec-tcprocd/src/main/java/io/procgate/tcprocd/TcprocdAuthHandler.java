package io.procgate.tcprocd;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.procgate.core.auth.Authenticator;
import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.metrics.ProtocolMetrics;
import io.procgate.core.net.PeerAddresses;
import io.procgate.core.net.UnixPeers;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication stage of a tcprocd connection (docs/tcprocd.md, section 4): one shot, like
 * Netty's {@code HAProxyMessageDecoder}. It works with the credentials decoder before it
 * ({@link TcprocdPipeline#AUTH_DECODER}), which decodes one {@link TcprocdAuthRequest} and holds
 * every later byte. On success this handler answers {@code 02OK}, records the {@link Caller} in
 * {@link TcprocdPipeline#CALLER} and removes itself and the credentials decoder, whose held bytes
 * then flow to the request decoder: nothing a client sends can be read as a request before
 * {@code OK}. On failure it answers {@code 20AUTHENTICATION_ERROR}, logs the source and closes.
 *
 * <ul>
 *   <li>TCP: sends {@code 23AUTHENTICATION_REQUIRED} at once and reads {@code NN user NN password};
 *       failures count against the source address in the {@link LoginThrottle}.
 *   <li>Unix socket: the user is the peer's login name (SO_PEERCRED uid). The credentials decoder
 *       starts out holding everything; only for a user with a password is it replaced by one that
 *       reads {@code NN password} (and {@code 23AUTHENTICATION_REQUIRED} sent), others get
 *       {@code 02OK} at once. A login that is not a configured user is refused unless the listener
 *       allows unknown users. On a listener with {@code gateway-uid-admin}, a peer of the gateway's own
 *       uid is an admin at once, with no password.
 * </ul>
 *
 * <p>A connection that has not authenticated within the listener's {@code auth-timeout} is closed.
 * Password checks (a slow hash) and account lookups run off the event loop; reading is off meanwhile.
 */
final class TcprocdAuthHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TcprocdAuthHandler.class);

    /** The uid this gateway runs as: an admin on listeners with {@code gateway-uid-admin}. */
    private static final int GATEWAY_UID = UnixPeers.gatewayUid();

    private final Authenticator authenticator;
    private final LoginThrottle throttle;
    private final TcprocdListenerSettings listener;
    private final Executor checks;

    private ScheduledFuture<?> deadline;
    /** Unix socket: the peer's login name, once known. */
    private String localUser;
    /** A lookup or password check is under way off the loop. */
    private boolean deciding;

    /** Counts failed logins ({@code procgate_protocol_auth_failures_total}). */
    private final ProtocolMetrics metrics;

    TcprocdAuthHandler(
            Authenticator authenticator,
            LoginThrottle throttle,
            TcprocdListenerSettings listener,
            Executor checks,
            ProtocolMetrics metrics) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.listener = listener;
        this.checks = checks;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor()
                .schedule(() -> timeOut(ctx), listener.authTimeout().toNanos(), TimeUnit.NANOSECONDS);
        if (listener.isUnix()) {
            identifyLocalPeer(ctx);
        } else {
            ctx.writeAndFlush(TcprocdResponse.of(TcprocdStatus.AUTHENTICATION_REQUIRED));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof TcprocdAuthRequest) || deciding) {
            // The credentials decoder yields one message and holds the rest; nothing else gets here.
            ReferenceCountUtil.release(msg);
            return;
        }
        TcprocdAuthRequest credentials = (TcprocdAuthRequest) msg;
        String name = listener.isUnix() ? localUser : credentials.username();
        deciding = true;
        TcprocdPipeline.setReading(ctx.channel(), false);
        offLoop(ctx, () -> {
            Optional<User> user;
            try {
                user = authenticator.authenticate(name, credentials.password());
            } catch (RuntimeException e) {
                LOG.error("tcprocd: checking the password of '{}' failed", name, e);
                user = Optional.empty();
            } finally {
                Arrays.fill(credentials.password(), (byte) 0);
            }
            Optional<User> result = user;
            onLoop(ctx, () -> {
                deciding = false;
                if (result.isPresent()) {
                    succeed(ctx, result.get());
                } else {
                    fail(ctx, name, "wrong user name or password");
                }
            });
        });
    }

    /**
     * The peer shut its side: nothing more can come. Unless a decision is under way (whose outcome
     * then still answers what was sent), close.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.channel().attr(TcprocdPipeline.INPUT_CLOSED).set(Boolean.TRUE);
            if (!deciding) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    /** Unix socket: who is the peer, and does it need a password? */
    private void identifyLocalPeer(ChannelHandlerContext ctx) {
        OptionalInt peerUid = UnixPeers.peerUid(ctx.channel());
        if (peerUid.isEmpty()) {
            fail(ctx, "?", "no peer credentials");
            return;
        }
        int uid = peerUid.getAsInt();
        deciding = true;
        TcprocdPipeline.setReading(ctx.channel(), false);
        offLoop(ctx, () -> {
            Optional<String> login = UnixPeers.loginName(uid);
            Optional<User> user = login.flatMap(authenticator::lookup);
            onLoop(ctx, () -> {
                deciding = false;
                answerLocalPeer(ctx, uid, login, user);
            });
        });
    }

    private void answerLocalPeer(ChannelHandlerContext ctx, int uid, Optional<String> login, Optional<User> user) {
        Channel channel = ctx.channel();
        if (listener.gatewayUidAdmin() && uid == GATEWAY_UID) {
            // The gateway's own account: it can read the config and the gateway's memory anyway, so a
            // password would guard nothing. A uid without a login (a container's arbitrary uid) is named
            // by its number, which run-as resolves back to the same uid.
            succeed(
                    ctx,
                    new User(
                            login.orElse(Integer.toString(uid)),
                            null,
                            true,
                            user.map(User::runAs).orElse(null)));
        } else if (login.isEmpty()) {
            fail(ctx, "uid " + uid, "the uid has no login name");
        } else if (user.isPresent() && user.get().hasPassword()) {
            localUser = login.get();
            ctx.writeAndFlush(TcprocdResponse.of(TcprocdStatus.AUTHENTICATION_REQUIRED));
            // Now read a password: the new decoder takes over whatever the client already sent.
            channel.pipeline()
                    .replace(
                            TcprocdPipeline.AUTH_DECODER,
                            TcprocdPipeline.AUTH_DECODER,
                            new TcprocdDecoder(TcprocdDecoder.Mode.PASSWORD));
            if (!deciding
                    && Boolean.TRUE.equals(
                            channel.attr(TcprocdPipeline.INPUT_CLOSED).get())) {
                ctx.close(); // it shut its side without sending a password
            } else if (!deciding) {
                TcprocdPipeline.setReading(channel, true);
            }
        } else if (user.isPresent()) {
            succeed(ctx, user.get());
        } else if (listener.allowUnknownUsers()) {
            succeed(ctx, new User(login.get(), null, false, null));
        } else {
            fail(ctx, login.get(), "not a configured user");
        }
    }

    private void succeed(ChannelHandlerContext ctx, User user) {
        Channel channel = ctx.channel();
        if (!channel.isActive()) {
            return;
        }
        cancelDeadline();
        channel.attr(TcprocdPipeline.CALLER)
                .set(new Caller(user, channel.remoteAddress(), TcprocdConstants.PROTOCOL, listener.isUnix()));
        if (channel.remoteAddress() instanceof InetSocketAddress) {
            throttle.recordSuccess(((InetSocketAddress) channel.remoteAddress()).getAddress());
        }
        LOG.info("tcprocd: {} logged in from {}", user.name(), peer(channel));
        // OK first: answers to requests the client sent early follow it.
        channel.writeAndFlush(TcprocdResponse.of(TcprocdStatus.OK));
        // Reading resumes before the held requests flow on, so that the command handler can stop
        // it again while it works on them.
        TcprocdPipeline.setReading(channel, true);
        // Self first, so that the requests the credentials decoder releases pass straight on.
        channel.pipeline().remove(this);
        channel.pipeline().remove(TcprocdPipeline.AUTH_DECODER);
        if (Boolean.TRUE.equals(channel.attr(TcprocdPipeline.INPUT_CLOSED).get())) {
            // The client shut its side while we decided: answer what it sent, then close.
            channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    private void fail(ChannelHandlerContext ctx, String name, String reason) {
        Channel channel = ctx.channel();
        if (!channel.isActive()) {
            return;
        }
        cancelDeadline();
        if (channel.remoteAddress() instanceof InetSocketAddress) {
            throttle.recordFailure(((InetSocketAddress) channel.remoteAddress()).getAddress());
        }
        metrics.authFailure();
        LOG.warn("tcprocd: authentication failed for '{}' from {}: {}", name, peer(channel), reason);
        channel.writeAndFlush(TcprocdResponse.of(TcprocdStatus.AUTHENTICATION_ERROR))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void timeOut(ChannelHandlerContext ctx) {
        LOG.info("tcprocd: closing {}: not authenticated within {}", peer(ctx.channel()), listener.authTimeout());
        ctx.close();
    }

    private void offLoop(ChannelHandlerContext ctx, Runnable task) {
        try {
            checks.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.error("tcprocd: cannot check the credentials of {}", peer(ctx.channel()), e);
            ctx.close();
        }
    }

    /** Back on the connection's loop, unless the connection or the gateway is gone by then. */
    private static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        try {
            ctx.executor().execute(() -> {
                if (ctx.channel().isActive()) {
                    task.run();
                }
            });
        } catch (RejectedExecutionException e) {
            // The gateway is stopping: its close takes the connection down too.
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private String peer(Channel channel) {
        return PeerAddresses.format(channel) + (localUser == null ? "" : " (" + localUser + ")");
    }
}
